using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Documents.Validity;

/// <summary>Valid from, valid to (both optional, inclusive) and the counterparty the document belongs to.</summary>
public sealed record SetValidityRequest(DateOnly? ValidFrom, DateOnly? ValidTo, Guid? CounterpartyId);

/// <summary>
/// Sets a document's validity (write right on the document). A counterparty named anew must be one the caller may see
/// (404 otherwise, as for one that does not exist). A new valid-to date is reminded again; a date already past when it
/// is entered is not reminded at all. The change is a register row (and so an audit row).
/// </summary>
public sealed class SetDocumentValidity(
    CrmDbContext db, DocumentAccess access, DocumentService documents, DocumentValidityBook book, IDocumentCounterparties counterparties, TimeProvider clock)
{
    public Task<DocumentValidity> RunAsync(Guid id, SetValidityRequest request, CurrentUser user, AccessContext from, CancellationToken cancellationToken) =>
        ConflictRetry.RunAsync(db, async () =>
        {
            var (document, _) = await access.RequireAsync(id, DocumentRights.Write, user, cancellationToken, tracking: true);
            if (request.ValidFrom is { } start && request.ValidTo is { } end && end < start)
            {
                throw ValidationFailedException.For("validTo", "The valid-to date cannot be before the valid-from date.");
            }

            if (request.CounterpartyId is { } counterparty && counterparty != document.CounterpartyId
                && !await counterparties.VisibleAsync(counterparty, user, cancellationToken))
            {
                throw new NotFoundException($"Counterparty {counterparty} does not exist.");
            }

            if (document.ValidFrom != request.ValidFrom || document.ValidTo != request.ValidTo || document.CounterpartyId != request.CounterpartyId)
            {
                var now = clock.GetUtcNow();
                var before = new { validFrom = document.ValidFrom, validTo = document.ValidTo, counterpartyId = document.CounterpartyId };
                if (document.ValidTo != request.ValidTo)
                {
                    var today = DateOnly.FromDateTime(now.UtcDateTime);
                    document.ExpiryRemindedFor = request.ValidTo < today ? request.ValidTo : null;
                }

                document.ValidFrom = request.ValidFrom;
                document.ValidTo = request.ValidTo;
                document.CounterpartyId = request.CounterpartyId;
                document.UpdatedAt = now;
                document.Revision++;
                documents.Record(id, null, DocumentEventKind.MetadataChanged, user.UserName, from,
                    new { validity = new { validFrom = request.ValidFrom, validTo = request.ValidTo, counterpartyId = request.CounterpartyId }, before });
                await db.SaveChangesAsync(cancellationToken);
            }

            return await book.OfAsync(document, user, cancellationToken);
        }, cancellationToken);
}
