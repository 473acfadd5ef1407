namespace Crm.Platform.Identity;

public static class Policies
{
    public const string Admin = "admin";
}
