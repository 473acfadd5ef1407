using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

/// <summary>A person's complaints for their GDPR export.</summary>
internal sealed class ComplaintPersonData(CrmDbContext db) : IPersonDataSource
{
    public string Name => "complaints";

    public async Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken) =>
        [.. (await db.Complaints.AsNoTracking().Where(c => c.PersonId == personId).OrderBy(c => c.ReceivedOn).ToListAsync(cancellationToken))
            .Select(c => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["number"] = c.Number, ["subject"] = c.Subject, ["receivedOn"] = c.ReceivedOn, ["defect"] = c.DefectDescription, ["status"] = c.Status.ToString(),
            })];
}
