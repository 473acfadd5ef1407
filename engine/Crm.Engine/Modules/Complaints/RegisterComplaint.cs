using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

[ModuleContract]
public sealed record RegisterComplaintRequest(string? Subject, Guid? CounterpartyId, Guid? PersonId, string? Kind, string? AgainstType, string? AgainstNumber,
    DateOnly? AgainstDate, string? ProductCode, string? ProductName, Guid? AgainstDocumentId, DateOnly? ReceivedOn, string? Channel, string? DefectDescription,
    string? Demand, decimal? ClaimedAmount = null, string? Currency = null, string? Owner = null);

[ModuleContract]
public sealed record RegisteredComplaint(Guid Id, string Number, DateOnly Deadline);

/// <summary>
/// Registers a complaint: checks every field and what it points at (counterparty, person and document the caller may
/// see), gives the next number, makes its DMS folder and starts the complaint-handling process, all in one commit.
/// </summary>
[ModuleContract]
public sealed class RegisterComplaint(CrmDbContext db, CounterpartyAccess recordAccess, DocumentAccess documents, RecordFolders folders, TimeProvider clock, ProcessEngine engine, IComplaintProcess process)
{
    public static readonly IReadOnlyList<string> Kinds = ["consumer", "business"];
    public static readonly IReadOnlyList<string> AgainstTypes = ["sale", "contract", "product", "document", "other"];
    public static readonly IReadOnlyList<string> Channels = ["email", "phone", "letter", "in-person", "web"];
    public static readonly IReadOnlyList<string> Demands = ["repair", "replacement", "price-reduction", "refund", "withdrawal"];

    /// <summary>The largest claim or cost taken (the columns hold 18 digits).</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    /// <summary>The top folder holding one folder per complaint.</summary>
    public const string TopFolder = "Reklamacje";

    public async Task<RegisteredComplaint> RunAsync(RegisterComplaintRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Complaint, AccessRights.Create);
        if (user.Roles.Contains(Roles.Compliance) && !user.IsProcessOwner && !user.Roles.Contains(Roles.Staff))
        {
            throw new ForbiddenException("Compliance officers read complaints; staff register them.");
        }

        var today = ComplaintDeadlines.Today(clock.GetUtcNow());
        var errors = Validate(request, today);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        await RequireVisibleLinksAsync(request, user, cancellationToken);
        if (request.Owner is { } owner && owner != user.UserName && !await db.Users.AnyAsync(u => u.UserName == owner && u.IsActive, cancellationToken))
        {
            throw ValidationFailedException.For("owner", $"There is no active user '{owner}'.");
        }

        return await engine.ExecuteAsync(async unit =>
        {
            var settings = await ComplaintSettingsService.LoadAsync(db, cancellationToken);
            var kind = string.Equals(request.Kind!.Trim(), "consumer", StringComparison.OrdinalIgnoreCase) ? ComplaintKind.Consumer : ComplaintKind.Business;
            var receivedOn = request.ReceivedOn ?? today;
            var year = receivedOn.Year;
            var sequence = await ComplaintNumbers.NextAsync(db, year, cancellationToken);
            var complaint = new Complaint
            {
                Number = ComplaintNumbers.Format(settings.NumberPattern, year, sequence), Year = year, Sequence = sequence,
                Subject = request.Subject!.Trim(), CounterpartyId = request.CounterpartyId, PersonId = request.PersonId, Kind = kind,
                AgainstType = request.AgainstType!.Trim().ToLowerInvariant(), AgainstNumber = Trimmed(request.AgainstNumber), AgainstDate = request.AgainstDate,
                ProductCode = Trimmed(request.ProductCode), ProductName = Trimmed(request.ProductName), AgainstDocumentId = request.AgainstDocumentId,
                ReceivedOn = receivedOn, Channel = request.Channel!.Trim().ToLowerInvariant(), DefectDescription = request.DefectDescription!.Trim(),
                Demand = request.Demand!.Trim().ToLowerInvariant(), ClaimedAmount = request.ClaimedAmount ?? 0, Currency = (request.Currency ?? "PLN").Trim().ToUpperInvariant(),
                Deadline = ComplaintDeadlines.DeadlineOf(receivedOn, kind, settings), HandlingGroup = settings.HandlingGroup,
                Owner = request.Owner ?? user.UserName, RegisteredBy = user.UserName, CreatedAt = clock.GetUtcNow(),
            };
            complaint.FolderId = await folders.CreateAsync(TopFolder, complaint.Number, FolderGrants(complaint, settings), user.UserName, cancellationToken);
            db.Complaints.Add(complaint);
            db.ComplaintEvents.Add(new ComplaintEvent { ComplaintId = complaint.Id, At = complaint.CreatedAt, Kind = "registered", Text = complaint.Number, By = user.UserName });
            complaint.InstanceId = await process.StartAsync(unit, complaint, settings, user.UserName, cancellationToken);
            return new RegisteredComplaint(complaint.Id, complaint.Number, complaint.Deadline);
        }, cancellationToken);
    }

    /// <summary>Who works with the complaint's files: its owner and who registered it, the handling group, the approvers (read), compliance (read).</summary>
    public static IReadOnlyList<RecordFolderGrant> FolderGrants(Complaint complaint, ComplaintSettings settings)
    {
        const DocumentRights work = DocumentRights.Read | DocumentRights.Download | DocumentRights.Write;
        return
        [
            new(complaint.Owner, false, work), new(complaint.RegisteredBy, false, work), new(complaint.HandlingGroup, true, work),
            new(settings.ApproverGroup, true, DocumentRights.Read | DocumentRights.Download), new("compliance", true, DocumentRights.Read | DocumentRights.Download),
        ];
    }

    private static Dictionary<string, string[]> Validate(RegisterComplaintRequest request, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        void Check(string field, bool bad, string message)
        {
            if (bad) errors[field] = [message];
        }

        Check("subject", string.IsNullOrWhiteSpace(request.Subject) || request.Subject.Length > 300, "Give the complaint a subject of at most 300 characters.");
        Check("kind", !OneOf(request.Kind, Kinds), $"Choose one of: {string.Join(", ", Kinds)}.");
        Check("againstType", !OneOf(request.AgainstType, AgainstTypes), $"Choose one of: {string.Join(", ", AgainstTypes)}.");
        Check("channel", !OneOf(request.Channel, Channels), $"Choose one of: {string.Join(", ", Channels)}.");
        Check("demand", !OneOf(request.Demand, Demands), $"Choose one of: {string.Join(", ", Demands)}.");
        Check("defectDescription", string.IsNullOrWhiteSpace(request.DefectDescription) || request.DefectDescription.Length > 4000, "Describe the defect (at most 4000 characters).");
        Check("receivedOn", request.ReceivedOn is { } received && (received > today || received < today.AddYears(-2)), "The complaint cannot be received in the future or more than two years ago.");
        Check("claimedAmount", request.ClaimedAmount is < 0 or > MaxAmount, "The claimed amount is 0 to 1 000 000 000.");
        Check("currency", request.Currency is { } currency && (currency.Trim().Length != 3 || !currency.Trim().All(char.IsAsciiLetter)), "A three-letter currency code, e.g. PLN.");
        Check("againstNumber", request.AgainstNumber is { Length: > 100 }, "At most 100 characters.");
        Check("productCode", request.ProductCode is { Length: > 100 }, "At most 100 characters.");
        Check("productName", request.ProductName is { Length: > 300 }, "At most 300 characters.");
        var against = request.AgainstType?.Trim().ToLowerInvariant();
        Check("againstNumber", against is "sale" or "contract" && string.IsNullOrWhiteSpace(request.AgainstNumber), "Give the number of the sales document or contract.");
        Check("productName", against == "product" && string.IsNullOrWhiteSpace(request.ProductName) && string.IsNullOrWhiteSpace(request.ProductCode), "Give the product's code or name.");
        Check("againstDocumentId", against == "document" && request.AgainstDocumentId is null, "Choose the document the complaint is against.");
        Check("counterpartyId", request.CounterpartyId is null && request.Kind?.Trim().ToLowerInvariant() == "business", "A business complaint needs the counterparty.");
        return errors;
    }

    /// <summary>Each id must be something the caller may see (else the complaint would reveal that it exists).</summary>
    private async Task RequireVisibleLinksAsync(RegisterComplaintRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        if (request.CounterpartyId is { } company && !await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == company, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {company} does not exist.");
        }

        if (request.PersonId is { } personId)
        {
            var person = await PersonAccess.Visible(db, recordAccess, user).Where(p => p.Id == personId).Select(p => new { p.CounterpartyId }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"Person {personId} does not exist.");
            if (request.CounterpartyId is { } of && person.CounterpartyId is { } works && works != of)
            {
                throw ValidationFailedException.For("personId", "The person works for another company than the complaint's.");
            }
        }

        if (request.AgainstDocumentId is { } document)
        {
            await documents.RequireAsync(document, DocumentRights.Read, user, cancellationToken);
        }
    }

    private static bool OneOf(string? value, IReadOnlyList<string> allowed) => value is not null && allowed.Contains(value.Trim().ToLowerInvariant());

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
