using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

/// <summary>A complaint's values for a letter: <c>complaint.*</c> and its cost lines as the list <c>costs</c>.</summary>
[ModuleContract]
public sealed record ComplaintLetter(Guid Id, Guid? CounterpartyId, Guid? PersonId, Guid? FolderId, IReadOnlyDictionary<string, string?> Values, IReadOnlyList<IReadOnlyDictionary<string, string?>> Costs);

/// <summary>Reads a complaint for a letter from a template: only one the user sees (404 otherwise); without a user, one that exists.</summary>
[ModuleContract]
public sealed class ComplaintLetterData(CrmDbContext db, CounterpartyAccess recordAccess)
{
    public async Task<ComplaintLetter> ForAsync(Guid complaintId, CurrentUser? user, CancellationToken cancellationToken)
    {
        var query = user is null ? db.Complaints.AsNoTracking() : ComplaintAccess.Visible(db, recordAccess, user).AsNoTracking();
        var complaint = await query.SingleOrDefaultAsync(c => c.Id == complaintId, cancellationToken) ?? throw new NotFoundException($"Complaint {complaintId} does not exist.");
        var money = CultureInfo.InvariantCulture;
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["complaint.number"] = complaint.Number,
            ["complaint.subject"] = complaint.Subject,
            ["complaint.receivedOn"] = complaint.ReceivedOn.ToString("yyyy-MM-dd", money),
            ["complaint.deadline"] = complaint.Deadline.ToString("yyyy-MM-dd", money),
            ["complaint.product"] = complaint.ProductName,
            ["complaint.productCode"] = complaint.ProductCode,
            ["complaint.againstNumber"] = complaint.AgainstNumber,
            ["complaint.defect"] = complaint.DefectDescription,
            ["complaint.demand"] = complaint.Demand,
            ["complaint.claimedAmount"] = complaint.ClaimedAmount.ToString("0.00", money),
            ["complaint.currency"] = complaint.Currency,
            ["complaint.decision"] = complaint.Decision.ToString(),
            ["complaint.justification"] = complaint.Justification,
            ["complaint.resolution"] = complaint.Resolution,
            ["complaint.owner"] = complaint.Owner,
        };
        var costs = await db.ComplaintCosts.AsNoTracking().Where(c => c.ComplaintId == complaintId).OrderBy(c => c.On).ThenBy(c => c.CreatedAt).ToListAsync(cancellationToken);
        values["complaint.costsTotal"] = costs.Sum(c => c.Amount).ToString("0.00", money);
        return new ComplaintLetter(complaint.Id, complaint.CounterpartyId, complaint.PersonId, complaint.FolderId, values,
            [.. costs.Select(c => (IReadOnlyDictionary<string, string?>)new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["type"] = c.Type, ["amount"] = c.Amount.ToString("0.00", money), ["currency"] = c.Currency, ["date"] = c.On.ToString("yyyy-MM-dd", money), ["note"] = c.Note,
            })]);
    }
}
