using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>A person's loyalty memberships, balances and ledger operations for their GDPR export.</summary>
internal sealed class LoyaltyPersonData(CrmDbContext db) : IPersonDataSource
{
    public string Name => "loyalty";

    public async Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken)
    {
        var operations = await (from o in db.LoyaltyOperations.AsNoTracking()
                                join m in db.LoyaltyMembers.AsNoTracking() on o.MemberId equals m.Id
                                join p in db.LoyaltyProgrammes.AsNoTracking() on m.ProgrammeId equals p.Id
                                where m.PersonId == personId
                                select new { Programme = p.Name, m.Number, o.Kind, o.PointType, o.Points, o.Reason, o.At }).ToListAsync(cancellationToken);
        return [.. operations.OrderBy(o => o.At).Select(o => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["programme"] = o.Programme, ["memberNumber"] = o.Number, ["operation"] = o.Kind, ["pointType"] = o.PointType, ["points"] = o.Points,
            ["reason"] = o.Reason, ["at"] = o.At.ToString("u", CultureInfo.InvariantCulture),
        })];
    }
}
