using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

public sealed record RecentDocument(Guid Id, string Title, DateTimeOffset At, string Kind);

/// <summary>
/// The documents the caller opened or changed lately, from the access register's own rows of the caller (no second
/// store), and only those the caller may still read: a right taken away drops the document from the list.
/// </summary>
public sealed class RecentDocuments(CrmDbContext db, DocumentAccess access)
{
    public async Task<List<RecentDocument>> ListAsync(CurrentUser user, int take, CancellationToken cancellationToken)
    {
        var readable = await access.ReadableAsync(user, cancellationToken);
        // Newest event per document, then the newest documents: a few hundred rows of the caller at most.
        var events = await db.DocumentEvents.AsNoTracking().Where(e => e.UserName == user.UserName && e.DocumentId != null)
            .OrderByDescending(e => e.At).Take(400).Select(e => new { DocumentId = e.DocumentId!.Value, e.At, e.Kind }).ToListAsync(cancellationToken);
        var latest = events.GroupBy(e => e.DocumentId).Select(g => g.First()).Take(Math.Clamp(take, 1, 50) * 2).ToList();
        var ids = latest.Select(e => e.DocumentId).ToList();
        var titles = await readable.Where(d => ids.Contains(d.Id)).Select(d => new { d.Id, d.Title }).ToDictionaryAsync(d => d.Id, d => d.Title, cancellationToken);
        return [.. latest.Where(e => titles.ContainsKey(e.DocumentId)).Take(Math.Clamp(take, 1, 50))
            .Select(e => new RecentDocument(e.DocumentId, titles[e.DocumentId], e.At, e.Kind.ToString()))];
    }
}
