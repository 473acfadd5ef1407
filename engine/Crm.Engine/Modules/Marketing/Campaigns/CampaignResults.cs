using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Campaigns;

public sealed record CampaignResultsView(int Members, IReadOnlyDictionary<MemberState, int> ByState, int Responses, double ResponseRate, int CasesOpened, int CasesWon,
    decimal Revenue, decimal Budget, decimal PlannedCost, decimal ActualCost, decimal? Roi, string Currency, int MailsSent, int MailsSkipped, int Bounced, int OptedOut,
    IReadOnlyList<ResultDay> Days, int HiddenMembers);

/// <summary>Per day: members contacted and responding (the results chart's line).</summary>
public sealed record ResultDay(DateOnly Day, int Contacted, int Responded);

/// <summary>
/// A campaign's results: members by state, responses, the sales cases it opened (cases carry their campaign) and those
/// won, their revenue, planned and actual cost, and ROI = (revenue − actual cost) / actual cost. Every figure counts
/// only counterparties the caller sees (managers see all); how many members are hidden is said.
/// </summary>
public sealed class CampaignResults(CrmDbContext db, CampaignBook campaigns, CounterpartyAccess recordAccess, TimeProvider clock)
{
    public async Task<CampaignResultsView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.FindAsync(id, user, cancellationToken);
        var visible = recordAccess.Visible(db.Counterparties, user).Select(c => c.Id);
        var allMembers = await db.CampaignMembers.CountAsync(m => m.CampaignId == id, cancellationToken);
        var shown = db.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == id && visible.Contains(m.CounterpartyId));
        var states = await shown.GroupBy(m => m.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var byState = Enum.GetValues<MemberState>().ToDictionary(s => s, s => states.Where(x => x.Key == s).Sum(x => x.Count));
        var members = byState.Values.Sum();
        var responses = byState[MemberState.Responded] + byState[MemberState.Converted];
        var cases = await db.Cases.AsNoTracking().Where(c => c.CampaignId == id && c.CounterpartyId != null && visible.Contains(c.CounterpartyId.Value))
            .Select(c => new { c.Outcome, c.Value }).ToListAsync(cancellationToken);
        var won = cases.Where(c => c.Outcome == CaseOutcome.Won).ToList();
        var costs = await db.CampaignCosts.AsNoTracking().Where(c => c.CampaignId == id).Select(c => new { c.Actual, c.Amount }).ToListAsync(cancellationToken);
        var actual = costs.Where(c => c.Actual).Sum(c => c.Amount);
        var revenue = won.Sum(c => c.Value);
        var mailings = db.Mailings.Where(m => m.CampaignId == id).Select(m => m.Id);
        var mail = await db.MailingRecipients.AsNoTracking().Where(r => mailings.Contains(r.MailingId) && visible.Contains(r.CounterpartyId)).GroupBy(r => r.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var stamps = await shown.Where(m => m.State != MemberState.Targeted && m.State != MemberState.OptedOut)
            .Select(m => new { m.State, m.StateAt }).ToListAsync(cancellationToken);
        var days = stamps.GroupBy(s => DateOnly.FromDateTime(s.StateAt.UtcDateTime)).OrderBy(g => g.Key)
            .Select(g => new ResultDay(g.Key, g.Count(s => s.State == MemberState.Contacted), g.Count(s => s.State is MemberState.Responded or MemberState.Converted))).ToList();
        return new CampaignResultsView(members, byState, responses, members == 0 ? 0 : (double)responses / members, cases.Count, won.Count, revenue, campaign.Budget,
            costs.Where(c => !c.Actual).Sum(c => c.Amount), actual, actual == 0 ? null : Math.Round((revenue - actual) / actual, 4), campaign.Currency,
            mail.Where(m => m.Key is Mailings.RecipientState.Sent or Mailings.RecipientState.Bounced).Sum(m => m.Count),
            mail.Where(m => m.Key == Mailings.RecipientState.Skipped).Sum(m => m.Count), mail.Where(m => m.Key == Mailings.RecipientState.Bounced).Sum(m => m.Count),
            byState[MemberState.OptedOut], days, allMembers - members);
    }

    public async Task<byte[]> ExportAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Campaign, AccessRights.Export);
        var campaign = await campaigns.FindAsync(id, user, cancellationToken);
        var results = await GetAsync(id, user, cancellationToken);
        var visible = recordAccess.Visible(db.Counterparties, user);
        var members = await (from m in db.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == id)
                             join c in visible on m.CounterpartyId equals c.Id
                             orderby c.Name
                             select new { c.Name, Person = db.Persons.Where(p => p.Id == m.PersonId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefault(), m.State, m.Source, m.StateAt })
            .Take(100_000).ToListAsync(cancellationToken);
        var rows = new List<IReadOnlyList<object?>>
        {
            new object?[] { "Members", results.Members }, new object?[] { "Responses", results.Responses }, new object?[] { "Response rate", results.ResponseRate },
            new object?[] { "Cases opened", results.CasesOpened }, new object?[] { "Cases won", results.CasesWon }, new object?[] { "Revenue", results.Revenue },
            new object?[] { "Budget", results.Budget }, new object?[] { "Planned cost", results.PlannedCost }, new object?[] { "Actual cost", results.ActualCost },
            new object?[] { "ROI", results.Roi }, new object?[] { "Mails sent", results.MailsSent }, new object?[] { "Mails skipped", results.MailsSkipped },
            new object?[] { "Bounced", results.Bounced }, new object?[] { "Opted out", results.OptedOut }, Array.Empty<object?>(),
            new object?[] { "Company", "Person", "State", "Source", "Since" },
        };
        rows.AddRange(members.Select(m => (IReadOnlyList<object?>)[m.Name, m.Person, m.State.ToString(), m.Source, m.StateAt.UtcDateTime]));
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "campaign", id.ToString(), new { members = members.Count }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Campaign", ["Figure", "Value"], rows);
    }
}
