using Crm.Modules.Counterparties;
using System.Globalization;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

public sealed record UpdateComplaintRequest(int Revision, string? Subject, string? AgainstNumber, DateOnly? AgainstDate, string? ProductCode, string? ProductName,
    string? DefectDescription, string? Demand, decimal? ClaimedAmount, string? Owner);

/// <summary>
/// Edits of a complaint's details and its notes. Status, decision and resolution belong to the process's steps; every
/// change lands in the history field by field (who, when, before and after), and the audit trail records it too.
/// </summary>
public sealed class ComplaintEditing(CrmDbContext db, CounterpartyAccess recordAccess, RecordFolders folders, Crm.Platform.Notifications.Mentions mentions, TimeProvider clock)
{
    public async Task UpdateAsync(Guid id, UpdateComplaintRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var complaint = await EditableAsync(id, user, cancellationToken);
        if (complaint.Revision != request.Revision)
        {
            throw new ConflictException("Someone else changed this complaint meanwhile; reload it to see their change.");
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Subject is { } subject && (string.IsNullOrWhiteSpace(subject) || subject.Length > 300)) errors["subject"] = ["Give the complaint a subject of at most 300 characters."];
        if (request.DefectDescription is { } defect && (string.IsNullOrWhiteSpace(defect) || defect.Length > 4000)) errors["defectDescription"] = ["Describe the defect (at most 4000 characters)."];
        if (request.Demand is { } demand && !RegisterComplaint.Demands.Contains(demand.Trim().ToLowerInvariant())) errors["demand"] = [$"Choose one of: {string.Join(", ", RegisterComplaint.Demands)}."];
        if (request.ClaimedAmount is < 0 or > RegisterComplaint.MaxAmount) errors["claimedAmount"] = ["The claimed amount is 0 to 1 000 000 000."];
        // What was decided (and approved, above the threshold) stays as it was decided.
        if (complaint.Status != ComplaintStatus.Open && ((request.ClaimedAmount is { } claimed && claimed != complaint.ClaimedAmount)
            || (request.Demand is { } changed && !string.Equals(changed.Trim(), complaint.Demand, StringComparison.OrdinalIgnoreCase))))
        {
            errors["claimedAmount"] = ["The complaint is decided: its claim and demand no longer change."];
        }
        if (request.AgainstNumber is { Length: > 100 }) errors["againstNumber"] = ["At most 100 characters."];
        if (request.ProductCode is { Length: > 100 }) errors["productCode"] = ["At most 100 characters."];
        if (request.ProductName is { Length: > 300 }) errors["productName"] = ["At most 300 characters."];
        if (request.Owner is { } owner && owner != complaint.Owner && !await db.Users.AnyAsync(u => u.UserName == owner && u.IsActive, cancellationToken)) errors["owner"] = [$"There is no active user '{owner}'."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var now = clock.GetUtcNow();
        void Set<T>(string field, T before, T after, Action<T> apply)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                apply(after);
                db.ComplaintEvents.Add(new ComplaintEvent
                {
                    ComplaintId = id, At = now, Kind = "edited", By = user.UserName,
                    Text = Clip($"{field}: {Text(before)} → {Text(after)}"),
                });
            }
        }

        Set("subject", complaint.Subject, request.Subject?.Trim() ?? complaint.Subject, v => complaint.Subject = v);
        Set("againstNumber", complaint.AgainstNumber, request.AgainstNumber is null ? complaint.AgainstNumber : Blank(request.AgainstNumber), v => complaint.AgainstNumber = v);
        Set("againstDate", complaint.AgainstDate, request.AgainstDate ?? complaint.AgainstDate, v => complaint.AgainstDate = v);
        Set("productCode", complaint.ProductCode, request.ProductCode is null ? complaint.ProductCode : Blank(request.ProductCode), v => complaint.ProductCode = v);
        Set("productName", complaint.ProductName, request.ProductName is null ? complaint.ProductName : Blank(request.ProductName), v => complaint.ProductName = v);
        Set("defectDescription", complaint.DefectDescription, request.DefectDescription?.Trim() ?? complaint.DefectDescription, v => complaint.DefectDescription = v);
        Set("demand", complaint.Demand, request.Demand?.Trim().ToLowerInvariant() ?? complaint.Demand, v => complaint.Demand = v);
        Set("claimedAmount", complaint.ClaimedAmount, request.ClaimedAmount ?? complaint.ClaimedAmount, v => complaint.ClaimedAmount = v);
        var ownerChanged = request.Owner is { } newOwner && newOwner != complaint.Owner;
        Set("owner", complaint.Owner, request.Owner ?? complaint.Owner, v => complaint.Owner = v);
        if (ownerChanged && complaint.FolderId is { } folder)
        {
            await folders.SetGrantsAsync(folder, RegisterComplaint.FolderGrants(complaint, await ComplaintSettingsService.LoadAsync(db, cancellationToken)), cancellationToken);
        }

        complaint.Revision++;
        await SaveAsync(cancellationToken);
    }

    /// <summary>A note on the complaint: in its history and on its company's timeline.</summary>
    public async Task AddNoteAsync(Guid id, string? text, CurrentUser user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2000)
        {
            throw ValidationFailedException.For("text", "Write the note (at most 2000 characters).");
        }

        var complaint = await ComplaintAccess.Visible(db, recordAccess, user).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Complaint {id} does not exist.");
        if (!ComplaintAccess.MayEdit(recordAccess, complaint, user))
        {
            throw new ForbiddenException("Only the complaint's owner, its handling group and process owners add notes.");
        }

        var note = new ComplaintEvent { ComplaintId = id, At = clock.GetUtcNow(), Kind = "note", Text = text.Trim(), By = user.UserName };
        db.ComplaintEvents.Add(note);
        await mentions.RaiseAsync(note.Text, user, $"complaints/{id}", $"complaint-note:{note.Id}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The tracked complaint, when the caller may edit it and it is not closed.</summary>
    internal async Task<Complaint> EditableAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintAccess.Visible(db, recordAccess, user).SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Complaint {id} does not exist.");
        if (!ComplaintAccess.MayEdit(recordAccess, complaint, user))
        {
            throw new ForbiddenException("Only the complaint's owner, its handling group and process owners change it.");
        }

        return complaint.Status == ComplaintStatus.Closed ? throw new ConflictException($"Complaint {complaint.Number} is closed.") : complaint;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone else changed this complaint meanwhile; reload it to see their change.");
        }
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Text(object? value) => value switch
    {
        null => "—",
        decimal d => d.ToString("0.##", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "—",
    };

    private static string Clip(string text) => text.Length <= 2000 ? text : text[..1999] + "…";
}
