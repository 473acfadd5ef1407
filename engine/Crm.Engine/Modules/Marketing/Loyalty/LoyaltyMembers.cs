using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Loyalty;

public sealed record EnrolMemberRequest(Guid CounterpartyId, Guid? PersonId);

public sealed record BalanceView(string PointType, string Name, int Points);

public sealed record MemberSummary(Guid Id, Guid ProgrammeId, string Programme, string Number, Guid CounterpartyId, string Counterparty, bool Active, DateTimeOffset JoinedAt,
    int Points);

public sealed record MemberView(Guid Id, Guid ProgrammeId, string ProgrammeCode, string Programme, string Number, Guid CounterpartyId, string Counterparty, Guid? PersonId,
    string? Person, bool Active, DateTimeOffset JoinedAt, string JoinedBy, IReadOnlyList<BalanceView> Balances, IReadOnlyList<RewardView> Rewards, bool MayEdit, bool MayOrder);

/// <summary>Members (point accounts): enrol a visible company (once per programme; a number from the programme's counter), lists, the member page, a company's memberships.</summary>
public sealed class LoyaltyMembers(CrmDbContext db, LoyaltyAccess access, CounterpartyAccess recordAccess, ProcessEngine engine, TimeProvider clock)
{
    public async Task<Guid> EnrolAsync(Guid programmeId, EnrolMemberRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Read);
        await access.RequireVisibleCompanyAsync(request.CounterpartyId, user, cancellationToken);
        access.Require(user, AccessRights.Create);
        if (request.PersonId is { } personId)
        {
            var person = await PersonAccess.Visible(db, recordAccess, user).Where(p => p.Id == personId).Select(p => new { p.CounterpartyId }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"Person {personId} does not exist.");
            if (person.CounterpartyId != request.CounterpartyId) throw ValidationFailedException.For("personId", "The person works for another company.");
        }

        return await engine.ExecuteAsync(async _ =>
        {
            var programme = await db.LoyaltyProgrammes.SingleOrDefaultAsync(p => p.Id == programmeId, cancellationToken) ?? throw new NotFoundException($"Programme {programmeId} does not exist.");
            if (!programme.Active) throw new ConflictException("The programme is closed: it takes no new members.");
            if (await db.LoyaltyMembers.AnyAsync(m => m.ProgrammeId == programmeId && m.CounterpartyId == request.CounterpartyId, cancellationToken))
                throw new ConflictException("The company is a member of this programme already.");
            programme.LastMemberNumber++;
            programme.Revision++;   // the counter is raised under the programme's revision: two enrolments at once get two numbers
            var member = new LoyaltyMember
            {
                ProgrammeId = programmeId, CounterpartyId = request.CounterpartyId, PersonId = request.PersonId, JoinedBy = user.UserName, JoinedAt = clock.GetUtcNow(),
                Number = string.Create(CultureInfo.InvariantCulture, $"{programme.Code}-{programme.LastMemberNumber:000000}"),
            };
            db.LoyaltyMembers.Add(member);
            var types = await db.LoyaltyPointTypes.Where(t => t.ProgrammeId == programmeId).Select(t => t.Code).ToListAsync(cancellationToken);
            db.LoyaltyBalances.AddRange(types.Select(t => new LoyaltyBalance { MemberId = member.Id, PointType = t }));
            return member.Id;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<MemberSummary>> ListAsync(Guid programmeId, string? search, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Read);
        var query = access.VisibleMembers(user).Where(m => m.ProgrammeId == programmeId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = Folded(search);
            var upper = search.Trim().ToUpperInvariant();
            query = query.Where(m => m.Number.Contains(upper) || db.Counterparties.Any(c => c.Id == m.CounterpartyId && c.SearchName.Contains(text)));
        }

        // Ordered before the projection: a record's constructor arguments cannot be sorted on in SQL.
        var ordered = query.OrderBy(m => db.Counterparties.Where(c => c.Id == m.CounterpartyId).Select(c => c.Name).FirstOrDefault()).ThenBy(m => m.Id).Take(500);
        return await Summaries(ordered).ToListAsync(cancellationToken);
    }

    /// <summary>The memberships of a company the caller sees (the company page's panel).</summary>
    public async Task<IReadOnlyList<MemberSummary>> OfCompanyAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Read);
        await access.RequireVisibleCompanyAsync(counterpartyId, user, cancellationToken);
        var members = db.LoyaltyMembers.Where(m => m.CounterpartyId == counterpartyId)
            .OrderBy(m => db.LoyaltyProgrammes.Where(p => p.Id == m.ProgrammeId).Select(p => p.Name).FirstOrDefault()).ThenBy(m => m.Id);
        return await Summaries(members).ToListAsync(cancellationToken);
    }

    public async Task<MemberView> GetAsync(Guid memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        var m = await access.MemberAsync(memberId, user, AccessRights.Read, cancellationToken);
        var programme = await db.LoyaltyProgrammes.AsNoTracking().SingleAsync(p => p.Id == m.ProgrammeId, cancellationToken);
        var company = await db.Counterparties.AsNoTracking().Where(c => c.Id == m.CounterpartyId).Select(c => c.Name).SingleAsync(cancellationToken);
        var person = m.PersonId is { } personId
            ? await db.Set<ContactPerson>().AsNoTracking().Where(p => p.Id == personId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefaultAsync(cancellationToken)
            : null;
        var types = await db.LoyaltyPointTypes.AsNoTracking().Where(t => t.ProgrammeId == m.ProgrammeId).OrderBy(t => t.Code).ToListAsync(cancellationToken);
        var balances = await db.LoyaltyBalances.AsNoTracking().Where(b => b.MemberId == memberId).ToDictionaryAsync(b => b.PointType, b => b.Points, cancellationToken);
        var rewards = await db.LoyaltyRewards.AsNoTracking().Where(r => r.ProgrammeId == m.ProgrammeId && r.Active).OrderBy(r => r.Price).ThenBy(r => r.Name)
            .Select(r => new RewardView(r.Id, r.Name, r.Description, r.PointType, r.Price, r.Stock, r.Active, r.Revision)).ToListAsync(cancellationToken);
        return new MemberView(m.Id, m.ProgrammeId, programme.Code, programme.Name, m.Number, m.CounterpartyId, company, m.PersonId, person, m.Active, m.JoinedAt, m.JoinedBy,
            [.. types.Select(t => new BalanceView(t.Code, t.Name, balances.GetValueOrDefault(t.Code)))], rewards,
            access.Can(user, AccessRights.Edit), access.Can(user, AccessRights.Create) && m.Active && programme.Active);
    }

    /// <summary>The programme's visible members with their balances as .xlsx (export right; audited).</summary>
    public async Task<byte[]> ExportAsync(Guid programmeId, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Export);
        var members = await ListAsync(programmeId, null, user, cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "loyalty-members", programmeId.ToString(), new { members.Count }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Members", ["Number", "Counterparty", "Active", "Joined", "Points"],
            members.Select(m => (IReadOnlyList<object?>)[m.Number, m.Counterparty, m.Active, m.JoinedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Points]));
    }

    /// <summary>As the counterparties' search name: lower case, diacritics folded ("Łódź" → "lodz").</summary>
    private static string Folded(string text) => string.Concat(text.Trim().ToLowerInvariant().Replace('ł', 'l').Normalize(System.Text.NormalizationForm.FormD)
        .Where(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)).Normalize(System.Text.NormalizationForm.FormC);

    private IQueryable<MemberSummary> Summaries(IQueryable<LoyaltyMember> members) => members.Select(m => new MemberSummary(m.Id, m.ProgrammeId,
        db.LoyaltyProgrammes.Where(p => p.Id == m.ProgrammeId).Select(p => p.Name).FirstOrDefault() ?? "", m.Number, m.CounterpartyId,
        db.Counterparties.Where(c => c.Id == m.CounterpartyId).Select(c => c.Name).FirstOrDefault() ?? "", m.Active, m.JoinedAt,
        db.LoyaltyBalances.Where(b => b.MemberId == m.Id).Sum(b => b.Points)));
}
