using Crm.Platform.Outbox;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Crm.Platform.Search;

/// <summary>
/// A module's say in which of its saved changes must reach the search index: for a changed entity, the outbox topic
/// and record id to re-index (a company's new address re-indexes the company). Like audit rules, each module keeps
/// its feed beside its entities and <see cref="SearchFeeds"/> finds them all, so no save path can forget the index.
/// Bulk statements (ExecuteUpdate/ExecuteDelete) bypass feeds and must queue their own outbox rows.
/// </summary>
public interface ISearchFeed
{
    /// <summary>The (topic, id) pairs this change makes stale; empty when the entity is not one this feed knows.</summary>
    IEnumerable<(string Topic, Guid Id)> Stale(EntityEntry entry);
}

/// <summary>Queues one outbox row per stale record before a save, in the same transaction as the change.</summary>
internal static class SearchFeeds
{
    private static readonly ISearchFeed[] Feeds = [.. typeof(SearchFeeds).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISearchFeed).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (ISearchFeed)Activator.CreateInstance(t)!)];

    public static void Queue(CrmDbContext db)
    {
        var stale = new HashSet<(string Topic, Guid Id)>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && entry.Entity is not OutboxMessage)
            {
                foreach (var feed in Feeds)
                {
                    stale.UnionWith(feed.Stale(entry));
                }
            }
        }

        if (stale.Count == 0)
        {
            return;
        }

        // A use case that queued the row itself already covers it.
        foreach (var queued in db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added))
        {
            stale.Remove((queued.Entity.Topic, queued.Entity.EntityId));
        }

        var services = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        var now = (services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System).GetUtcNow();
        foreach (var (topic, id) in stale)
        {
            db.Outbox.Add(new OutboxMessage { Topic = topic, EntityId = id, CreatedAt = now });
        }
    }
}
