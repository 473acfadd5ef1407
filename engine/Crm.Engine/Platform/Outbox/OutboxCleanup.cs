using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Outbox;

/// <summary>
/// Delivered outbox rows go away. A row is deleted once this node has applied it and it is older than
/// <see cref="Retention"/>: other nodes read the same rows at their own pace, and the retention gives a node
/// that was down that long to catch up; a node down for longer rebuilds its index (<c>index rebuild</c>).
/// </summary>
public static class OutboxCleanup
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>Deletes rows up to <paramref name="appliedUpTo"/> created before <paramref name="olderThan"/>; returns how many.</summary>
    public static Task<int> DeleteDeliveredAsync(CrmDbContext db, long appliedUpTo, DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        db.Outbox.Where(m => m.Id <= appliedUpTo && m.CreatedAt < olderThan).ExecuteDeleteAsync(cancellationToken);
}
