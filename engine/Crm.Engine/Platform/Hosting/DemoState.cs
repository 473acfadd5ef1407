namespace Crm.Platform.Hosting;

/// <summary>What the UI may say about demo data: whether it is loaded and which sign-in to suggest.</summary>
public sealed class DemoState
{
    public bool Loaded { get; private set; }
    public string? SuggestedUser { get; private set; }
    public string? Password { get; private set; }

    public void MarkLoaded(string suggestedUser, string password)
    {
        SuggestedUser = suggestedUser;
        Password = password;
        Loaded = true;
    }
}
