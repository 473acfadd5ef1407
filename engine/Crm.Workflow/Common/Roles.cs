namespace Crm.Workflow.Common;

/// <summary>The fixed roles. Fine-grained rights (folders, processes) come from groups and per-object permissions.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string ProcessOwner = "process-owner";
    public const string Staff = "staff";
    public const string Compliance = "compliance";
    /// <summary>An account a program (an external-task worker) signs in with: it fetches and completes external tasks, nothing else.</summary>
    public const string ExternalWorker = "external-worker";

    public static readonly IReadOnlyList<string> All = [Admin, ProcessOwner, Staff, Compliance, ExternalWorker];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

public static class CrmClaimTypes
{
    public const string DisplayName = "crm:display_name";
    public const string Group = "crm:group";
    public const string SecurityStamp = "crm:stamp";
    public const string Demo = "crm:demo";
    /// <summary>The user signed in with a generated or reset password and must choose their own before anything else.</summary>
    public const string MustChangePassword = "crm:must_change_password";
}
