using Crm.Platform.Audit;
using Microsoft.Extensions.Localization;

namespace Crm.Designer.Localization;

/// <summary>
/// Audit trail rows in words: "auth.sign-in" reads "Signed in", "document.versionadded" "New version added". The
/// texts are "Audit_" + the action with dots and dashes as underscores; exports ("export.funnel") share one text.
/// An action without a text shows its code, so a new action is never hidden.
/// </summary>
public static class AuditSentences
{
    public static string Action(string action, IStringLocalizer texts)
    {
        if (action.StartsWith("export.", StringComparison.Ordinal))
        {
            return texts.Or("Audit_export", action)
                .Replace("{0}", action["export.".Length..], StringComparison.Ordinal);
        }

        return texts.Or(Key("Audit_", action), action);
    }

    public static string Subject(AuditView entry, IStringLocalizer texts) =>
        entry.SubjectType is null ? "" : texts.Or(Key("AuditSubject_", entry.SubjectType), entry.SubjectType);

    /// <summary>Where the subject of a row can be opened, if it is a record with its own page.</summary>
    public static string? Href(AuditView entry) => Guid.TryParse(entry.SubjectId, out var id)
        ? entry.SubjectType switch
        {
            "document" => $"documents/{id}",
            "counterparty" => $"crm/{id}",
            "person" => $"crm/persons/{id}",
            "case" => $"cases/{id}",
            "complaint" => $"complaints/{id}",
            "article" => $"kb/{id}",
            _ => null,
        }
        : null;

    private static string Key(string prefix, string code) => prefix + code.Replace('.', '_').Replace('-', '_');
}
