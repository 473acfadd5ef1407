using System.Text.RegularExpressions;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Notifications;

/// <summary>
/// Finds "@login" or "@Display Name" in a note and rings the bell of each person named (not the writer). A name is
/// matched on up to three words after the "@", so "@Anna Nowak please call" finds Anna Nowak, and "@anna" finds anna.
/// </summary>
public sealed partial class Mentions(CrmDbContext db, InAppNotifications bell)
{
    [GeneratedRegex(@"(?<![\p{L}\p{N}.])@([\p{L}\p{N}._-]+(?:[ \t]+[\p{L}\p{N}.-]+){0,2})")]
    private static partial Regex Mention();

    /// <returns>The user names that were notified.</returns>
    public async Task<IReadOnlyList<string>> RaiseAsync(string text, CurrentUser writer, string link, string sourceKey, CancellationToken cancellationToken)
    {
        var candidates = Candidates(text);
        if (candidates.Count == 0)
        {
            return [];
        }

        var lowered = candidates.Select(c => c.ToLowerInvariant()).ToList();
        var named = await db.Users.AsNoTracking().Where(u => u.IsActive && (lowered.Contains(u.UserName) || candidates.Contains(u.DisplayName)))
            .Select(u => u.UserName).ToListAsync(cancellationToken);
        named.Remove(writer.UserName);
        if (named.Count > 0)
        {
            var snippet = text.Trim().ReplaceLineEndings(" ");
            var writerName = await db.Users.AsNoTracking().Where(u => u.UserName == writer.UserName).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken) ?? writer.UserName;
            await bell.RaiseAsync(named, UserNotification.MentionKind, snippet.Length > 120 ? snippet[..119] + "…" : snippet, writerName, link, sourceKey, cancellationToken);
        }

        return named;
    }

    /// <summary>Each "@..." with its one-, two- and three-word readings, trailing punctuation dropped.</summary>
    internal static List<string> Candidates(string text)
    {
        var result = new List<string>();
        foreach (Match match in Mention().Matches(text))
        {
            var words = match.Groups[1].Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            for (var n = 1; n <= words.Length; n++)
            {
                result.Add(string.Join(' ', words.Take(n)).TrimEnd('.', ',', ';', ':', '-'));
            }
        }

        return [.. result.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).Take(60)];
    }
}
