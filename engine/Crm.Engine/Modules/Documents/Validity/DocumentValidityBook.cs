using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Documents.Validity;

/// <summary>
/// A document with its validity. <c>DaysLeft</c> counts from today to the valid-to date (negative once expired);
/// <c>RemindOn</c> is the day its owners are mailed; <c>CounterpartyName</c> is null when the caller may not see the counterparty.
/// </summary>
public sealed record DocumentValidity(
    Guid Id, string Title, string? Type, string Owner, DateOnly? ValidFrom, DateOnly? ValidTo, int? DaysLeft,
    Guid? CounterpartyId, string? CounterpartyName, DateOnly? RemindOn, DateOnly? RemindedFor);

/// <summary>Reads validity: one document's, the documents expiring soon (or expired), a counterparty's documents. Only readable documents.</summary>
public sealed class DocumentValidityBook(DocumentAccess access, IDocumentCounterparties counterparties, IOptions<DocumentOptions> options, TimeProvider clock)
{
    /// <summary>Most rows a list returns (of each kind: expired and coming).</summary>
    public const int MaxRows = 500;

    private sealed record Row(Guid Id, string Title, string? Type, string Owner, DateOnly? ValidFrom, DateOnly? ValidTo, Guid? CounterpartyId, DateOnly? RemindedFor);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<DocumentValidity> OfAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var (document, _) = await access.RequireAsync(id, DocumentRights.Read, user, cancellationToken);
        return await OfAsync(document, user, cancellationToken);
    }

    /// <summary>A document already loaded (and checked) by the caller.</summary>
    public async Task<DocumentValidity> OfAsync(Document d, CurrentUser user, CancellationToken cancellationToken) =>
        (await ViewsAsync([new Row(d.Id, d.Title, d.Type, d.Owner, d.ValidFrom, d.ValidTo, d.CounterpartyId, d.ExpiryRemindedFor)], user, cancellationToken))[0];

    /// <summary>
    /// Readable documents whose valid-to date is today or within <paramref name="days"/> (1 to 366) days; with
    /// <paramref name="expired"/> also those whose date has passed (the most recent ones). Sorted by valid-to date.
    /// </summary>
    public async Task<List<DocumentValidity>> ExpiringAsync(int days, bool expired, CurrentUser user, CancellationToken cancellationToken)
    {
        if (days is < 1 or > 366)
        {
            throw ValidationFailedException.For("days", "Give a number of days from 1 to 366.");
        }

        var today = Today;
        var until = today.AddDays(days);
        var readable = (await access.ReadableAsync(user, cancellationToken)).AsNoTracking();
        var coming = await Rows(readable.Where(d => d.ValidTo != null && d.ValidTo >= today && d.ValidTo <= until).OrderBy(d => d.ValidTo).ThenBy(d => d.Title))
            .ToListAsync(cancellationToken);
        var gone = expired
            ? await Rows(readable.Where(d => d.ValidTo != null && d.ValidTo < today).OrderByDescending(d => d.ValidTo).ThenByDescending(d => d.Title))
                .ToListAsync(cancellationToken)
            : [];
        gone.Reverse();
        return await ViewsAsync([.. gone, .. coming], user, cancellationToken);
    }

    /// <summary>Readable documents of a counterparty the caller may see (404 otherwise), those with a valid-to date first, by that date.</summary>
    public async Task<List<DocumentValidity>> ForCounterpartyAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await counterparties.VisibleAsync(counterpartyId, user, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {counterpartyId} does not exist.");
        }

        var readable = (await access.ReadableAsync(user, cancellationToken)).AsNoTracking();
        var rows = await Rows(readable.Where(d => d.CounterpartyId == counterpartyId).OrderBy(d => d.ValidTo == null).ThenBy(d => d.ValidTo).ThenBy(d => d.Title))
            .ToListAsync(cancellationToken);
        return await ViewsAsync(rows, user, cancellationToken);
    }

    private static IQueryable<Row> Rows(IQueryable<Document> query) =>
        query.Take(MaxRows).Select(d => new Row(d.Id, d.Title, d.Type, d.Owner, d.ValidFrom, d.ValidTo, d.CounterpartyId, d.ExpiryRemindedFor));

    private async Task<List<DocumentValidity>> ViewsAsync(List<Row> rows, CurrentUser user, CancellationToken cancellationToken)
    {
        var ids = rows.Where(r => r.CounterpartyId is not null).Select(r => r.CounterpartyId!.Value).Distinct().ToList();
        var names = ids.Count == 0 ? [] : await counterparties.NamesAsync(ids, user, cancellationToken);
        var today = Today;
        var settings = options.Value;
        return [.. rows.Select(r => new DocumentValidity(
            r.Id, r.Title, r.Type, r.Owner, r.ValidFrom, r.ValidTo, r.ValidTo?.DayNumber - today.DayNumber,
            r.CounterpartyId, r.CounterpartyId is { } c ? names.GetValueOrDefault(c) : null,
            r.ValidTo?.AddDays(-settings.ReminderDaysFor(r.Type)), r.RemindedFor))];
    }
}
