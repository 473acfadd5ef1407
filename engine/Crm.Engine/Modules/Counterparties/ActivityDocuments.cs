using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Counterparties;

/// <summary>A document an activity concerns: the offer sent by e-mail, the minutes of a meeting, the letter received.</summary>
public sealed class ActivityDocument
{
    public Guid ActivityId { get; set; }
    public Guid DocumentId { get; set; }
    public required string LinkedBy { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
}

/// <summary>A document as an activity (or the timeline) shows it; <c>Removable</c> when it was attached to the activity (not named by the document's own links).</summary>
public sealed record LinkedDocument(Guid Id, string Title, string? Type, bool Removable);

/// <summary>An activity a document is attached to, as the document page lists it.</summary>
public sealed record DocumentActivity(Guid Id, string Subject, ActivityType Type, DateTimeOffset At, string Employee, Guid CounterpartyId, string CounterpartyName);

/// <summary>A document the caller may read, offered when attaching one.</summary>
public sealed record DocumentChoice(Guid Id, string Title, string? Type);

/// <summary>
/// Documents of activities. A link is kept on the activity's side (attaching needs read access to the document, not the right
/// to change it); documents whose own links name the activity count too. Every read shows only documents the caller may read.
/// </summary>
public sealed class ActivityDocuments(CrmDbContext db, CounterpartyAccess recordAccess, DocumentAccess access, TimeProvider clock)
{
    /// <summary>
    /// Readable documents attached to these activities, by activity (activities without any are left out): one query for a whole timeline.
    /// </summary>
    public async Task<Dictionary<Guid, List<LinkedDocument>>> OfAsync(IReadOnlyCollection<Guid> activityIds, CurrentUser user, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, List<LinkedDocument>>();
        if (activityIds.Count == 0)
        {
            return result;
        }

        var readable = await access.ReadableAsync(user, cancellationToken);
        var attached = await db.Set<ActivityDocument>().AsNoTracking().Where(l => activityIds.Contains(l.ActivityId))
            .Join(readable, l => l.DocumentId, d => d.Id, (l, d) => new { l.ActivityId, d.Id, d.Title, d.Type, l.LinkedAt })
            .OrderBy(x => x.LinkedAt).ToListAsync(cancellationToken);
        foreach (var row in attached)
        {
            Add(result, row.ActivityId, new LinkedDocument(row.Id, row.Title, row.Type, true));
        }

        return result;
    }

    /// <summary>
    /// The documents of one activity the caller may see: attached ones, then those whose own links name the activity
    /// (set through the documents API or by a process; a text probe, so only here and not for whole timelines).
    /// </summary>
    public async Task<List<LinkedDocument>> ListAsync(Guid activityId, CurrentUser user, CancellationToken cancellationToken)
    {
        await RequireActivityAsync(activityId, user, cancellationToken);
        var documents = (await OfAsync([activityId], user, cancellationToken)).GetValueOrDefault(activityId) ?? [];
        var pattern = "%" + activityId + "%";
        var named = await (await access.ReadableAsync(user, cancellationToken)).AsNoTracking().Where(d => d.Links != null && EF.Functions.Like(d.Links, pattern))
            .OrderBy(d => d.CreatedAt).Take(50).Select(d => new { d.Id, d.Title, d.Type }).ToListAsync(cancellationToken);
        documents.AddRange(named.Where(d => documents.All(l => l.Id != d.Id)).Select(d => new LinkedDocument(d.Id, d.Title, d.Type, false)));
        return documents;
    }

    /// <summary>Attaches a document the caller may read to an activity they may see; attaching it twice changes nothing.</summary>
    public async Task AttachAsync(Guid activityId, Guid documentId, CurrentUser user, CancellationToken cancellationToken)
    {
        await RequireActivityAsync(activityId, user, cancellationToken);
        await RequireReadableAsync([documentId], user, cancellationToken);
        if (await db.Set<ActivityDocument>().AnyAsync(l => l.ActivityId == activityId && l.DocumentId == documentId, cancellationToken))
        {
            return;
        }

        db.Add(new ActivityDocument { ActivityId = activityId, DocumentId = documentId, LinkedBy = user.UserName, LinkedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone attached the same document at the same moment: the link is there, which is what both wanted.
            db.ChangeTracker.Clear();
            if (!await db.Set<ActivityDocument>().AsNoTracking().AnyAsync(l => l.ActivityId == activityId && l.DocumentId == documentId, cancellationToken))
            {
                throw;
            }
        }
    }

    /// <summary>Removes an attached document: the activity's employee, whoever attached it, or a manager.</summary>
    public async Task DetachAsync(Guid activityId, Guid documentId, CurrentUser user, CancellationToken cancellationToken)
    {
        var activity = await RequireActivityAsync(activityId, user, cancellationToken);
        var link = await db.Set<ActivityDocument>().SingleOrDefaultAsync(l => l.ActivityId == activityId && l.DocumentId == documentId, cancellationToken)
            ?? throw new NotFoundException($"Document {documentId} is not attached to this activity.");
        if (activity.Employee != user.UserName && link.LinkedBy != user.UserName && !user.IsProcessOwner)
        {
            throw new ForbiddenException("Only the activity's employee, whoever attached the document, or a manager may remove it.");
        }

        db.Remove(link);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The other way round: the activities (contacts) a readable document is attached to, of counterparties the caller may see, newest first.</summary>
    public async Task<List<DocumentActivity>> ActivitiesOfAsync(Guid documentId, CurrentUser user, CancellationToken cancellationToken)
    {
        await RequireReadableAsync([documentId], user, cancellationToken);
        var companies = recordAccess.Visible(db.Counterparties, user);
        var attached = db.Set<ActivityDocument>().Where(l => l.DocumentId == documentId);
        return await db.Activities.AsNoTracking().Where(a => attached.Any(l => l.ActivityId == a.Id) && companies.Any(c => c.Id == a.CounterpartyId))
            .OrderByDescending(a => a.At).Take(100)
            .Select(a => new DocumentActivity(a.Id, a.Subject, a.Type, a.At, a.Employee, a.CounterpartyId, db.Counterparties.Where(c => c.Id == a.CounterpartyId).Select(c => c.Name).First()))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Documents the caller may read whose title contains the text, newest first: the choices when attaching one.</summary>
    public async Task<List<DocumentChoice>> SearchAsync(string? text, CurrentUser user, CancellationToken cancellationToken)
    {
        var readable = (await access.ReadableAsync(user, cancellationToken)).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = "%" + text.Trim().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";
            readable = readable.Where(d => EF.Functions.Like(d.Title, pattern));
        }

        return await readable.OrderByDescending(d => d.UpdatedAt).Take(20).Select(d => new DocumentChoice(d.Id, d.Title, d.Type)).ToListAsync(cancellationToken);
    }

    /// <summary>Every document must exist and be readable by the caller (404 otherwise, as if it did not exist).</summary>
    internal async Task RequireReadableAsync(IReadOnlyCollection<Guid> documentIds, CurrentUser user, CancellationToken cancellationToken)
    {
        var readable = await access.ReadableAsync(user, cancellationToken);
        var found = await readable.Where(d => documentIds.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken);
        if (documentIds.FirstOrDefault(id => !found.Contains(id)) is var missing && missing != Guid.Empty)
        {
            throw new NotFoundException($"Document {missing} does not exist.");
        }
    }

    private async Task<Activity> RequireActivityAsync(Guid activityId, CurrentUser user, CancellationToken cancellationToken)
    {
        var companies = recordAccess.Visible(db.Counterparties, user);
        return await db.Activities.AsNoTracking().Where(a => a.Id == activityId && companies.Any(c => c.Id == a.CounterpartyId)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Activity {activityId} does not exist.");
    }

    private static void Add(Dictionary<Guid, List<LinkedDocument>> result, Guid activityId, LinkedDocument document)
    {
        if (!result.TryGetValue(activityId, out var list))
        {
            result[activityId] = list = [];
        }

        list.Add(document);
    }
}

internal sealed class ActivityDocumentConfiguration : IEntityTypeConfiguration<ActivityDocument>
{
    public void Configure(EntityTypeBuilder<ActivityDocument> builder)
    {
        builder.ToTable("activity_documents");
        builder.HasKey(l => new { l.ActivityId, l.DocumentId });
        builder.Property(l => l.LinkedBy).HasMaxLength(100);
        builder.HasIndex(l => l.DocumentId);
        builder.HasOne<Activity>().WithMany().HasForeignKey(l => l.ActivityId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Document>().WithMany().HasForeignKey(l => l.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
