using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Modules.Counterparties.Cases;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>A case was won or lost: another module updates what depends on it in the same commit (a campaign member converted).</summary>
[ModuleContract]
public interface ICaseOutcomeListener
{
    Task ClosedAsync(CrmCase item, CancellationToken cancellationToken);
}

[ModuleContract]
public sealed record CreateCaseRequest(string? Title, Guid? CounterpartyId, Guid? PersonId, decimal? Value, string? Currency, int? Probability, DateOnly? ExpectedClose,
    string? Phase, string? Owner);

public sealed record FunnelPhase(string Phase, int Count, decimal Value, decimal Weighted);

public sealed record FunnelReport(IReadOnlyList<FunnelPhase> Phases, int Won, decimal WonValue, int Lost, decimal LostValue, IReadOnlyDictionary<string, int> LostReasons)
{
    /// <summary>Of the cases that reached a phase, the share that went on to the next (the last step is "won").</summary>
    public IReadOnlyList<FunnelConversion> Conversions { get; init; } = [];
    /// <summary>Won and lost per owner.</summary>
    public IReadOnlyList<FunnelOwner> Owners { get; init; } = [];
}

public sealed record FunnelConversion(string From, string To, int Reached, int WentOn, double Rate);

public sealed record FunnelOwner(string Owner, int Open, decimal OpenValue, int Won, decimal WonValue, int Lost);

/// <summary>
/// Cases (sprawy) grouped potential / in progress / closed with ordered phases; the sales funnel. A contract: a
/// campaign's follow-up opens cases through it.
/// </summary>
[ModuleContract]
public sealed class CaseService(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock, Crm.Workflow.Runtime.ProcessEngine? engine = null, ISalesCycleProcess? salesCycle = null,
    IEnumerable<ICaseOutcomeListener>? outcomeListeners = null)
{
    /// <summary>The built-in, editable process that drives a new sales case through its phases.</summary>
    public const string SalesProcess = "sales-cycle";

    /// <summary>The open phases in their order, as the admin defined them.</summary>
    public async Task<IReadOnlyList<string>> OpenPhasesAsync(CancellationToken cancellationToken) =>
        (await CasePhases.LoadAsync(db, cancellationToken)).Open;

    /// <param name="campaignId">The campaign the case comes from: set by the campaign's own step, never taken from a request.</param>
    public async Task<Guid> CreateAsync(CreateCaseRequest request, CurrentUser user, CancellationToken cancellationToken, Guid? campaignId = null)
    {
        recordAccess.Require(user, AccessObjects.Case, AccessRights.Create);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Title)) errors["title"] = ["Give the case a title."];
        if (request.Value is < 0) errors["value"] = ["The value cannot be negative."];
        if (request.Probability is < 0 or > 100) errors["probability"] = ["Probability is 0 to 100 %."];
        var phases = await CasePhases.LoadAsync(db, cancellationToken);
        var phase = (request.Phase ?? phases.First).Trim().ToLowerInvariant();
        if (!phases.IsOpenPhase(phase)) errors["phase"] = [$"Use one of: {string.Join(", ", phases.Open)}."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (request.CounterpartyId is { } counterpartyId && !await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == counterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {counterpartyId} does not exist.");
        }

        // The person must be one the caller may see, of the case's company; the owner an active user.
        if (request.PersonId is { } personId)
        {
            var person = await db.Persons.AsNoTracking().Where(p => p.Id == personId).Select(p => new { p.CounterpartyId }).SingleOrDefaultAsync(cancellationToken);
            var visible = person is not null && (person.CounterpartyId is not { } of
                || await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == of, cancellationToken));
            if (!visible)
            {
                throw new NotFoundException($"Person {personId} does not exist.");
            }

            if (request.CounterpartyId is { } company && person!.CounterpartyId is { } personCompany && personCompany != company)
            {
                throw ValidationFailedException.For("personId", "The person works for another company than the case's.");
            }
        }

        if (request.Owner is { } owner && owner != user.UserName && !await db.Users.AnyAsync(u => u.UserName == owner && u.IsActive, cancellationToken))
        {
            throw ValidationFailedException.For("owner", $"There is no active user '{owner}'.");
        }

        var item = new CrmCase
        {
            Title = request.Title!.Trim(), CounterpartyId = request.CounterpartyId, PersonId = request.PersonId, Value = request.Value ?? 0, Currency = request.Currency ?? "PLN",
            Probability = request.Probability ?? phases.DefaultProbability(phase), ExpectedClose = request.ExpectedClose, Phase = phase, Group = phases.GroupOf(phase),
            Owner = request.Owner ?? user.UserName, CreatedAt = clock.GetUtcNow(), ReachedPhase = phases.IndexOf(phase), CampaignId = campaignId,
        };
        if (engine is null || salesCycle is null || phase != phases.First)
        {
            return await ConflictRetry.RunAsync(db, async () =>
            {
                await Cases.CaseNumbers.AssignAsync(db, item, cancellationToken);
                db.Cases.Add(item);
                db.Add(new CaseEvent { CaseId = item.Id, At = item.CreatedAt, Kind = "created", Text = item.Phase, By = user.UserName });
                await db.SaveChangesAsync(cancellationToken);
                return item.Id;
            }, cancellationToken);
        }

        // The case and its sales cycle start in one commit; the owner's first task is "qualify".
        return await engine.ExecuteAsync(async unit =>
        {
            await Cases.CaseNumbers.AssignAsync(db, item, cancellationToken);
            db.Cases.Add(item);
            db.Add(new CaseEvent { CaseId = item.Id, At = item.CreatedAt, Kind = "created", Text = item.Phase, By = user.UserName });
            item.InstanceId = await salesCycle.StartAsync(unit, item, user.UserName, cancellationToken);
            return item.Id;
        }, cancellationToken);
    }

    /// <summary>
    /// Moves a case to a phase or closes it (won/lost with reason), recording the step on the case's timeline; the
    /// sales-cycle process calls this, and people do on cases no process drives. A closed case stays closed.
    /// </summary>
    public async Task<CrmCase> MoveAsync(Guid id, string phase, string? lostReason, CancellationToken cancellationToken, string? by = null)
    {
        var item = await db.Cases.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException($"Case {id} does not exist.");
        if (item.Outcome != CaseOutcome.Open)
        {
            throw new ConflictException($"The case is already {item.Outcome.ToString().ToLowerInvariant()}.");
        }

        var phases = await CasePhases.LoadAsync(db, cancellationToken);
        phase = phase.Trim().ToLowerInvariant();
        switch (phase)
        {
            case "won":
                (item.Outcome, item.Group, item.Probability, item.ClosedAt, item.Phase, item.ReachedPhase) = (CaseOutcome.Won, CaseGroup.Closed, 100, clock.GetUtcNow(), "won", phases.Open.Count);
                break;
            case "lost":
                (item.Outcome, item.Group, item.Probability, item.ClosedAt, item.Phase, item.LostReason) = (CaseOutcome.Lost, CaseGroup.Closed, 0, clock.GetUtcNow(), "lost", lostReason);
                break;
            default:
                if (!phases.IsOpenPhase(phase))
                {
                    throw ValidationFailedException.For("phase", $"Use one of: {string.Join(", ", phases.Open)}, won, lost.");
                }

                item.ReachedPhase = Math.Max(item.ReachedPhase, phases.IndexOf(phase));
                (item.Phase, item.Group, item.Probability) = (phase, phases.GroupOf(phase), Math.Max(item.Probability, phases.DefaultProbability(phase)));
                break;
        }

        item.Revision++;
        if (item.Outcome != CaseOutcome.Open)
        {
            foreach (var listener in outcomeListeners ?? [])
            {
                await listener.ClosedAsync(item, cancellationToken);
            }
        }

        db.Add(new CaseEvent { CaseId = item.Id, At = clock.GetUtcNow(), Kind = phase is "won" or "lost" ? phase : "phase", Text = phase == "lost" && lostReason is { } reason ? $"lost: {reason}" : phase, By = by });
        return item;
    }

    /// <summary>Open cases per phase (count, value, value weighted by probability), won and lost with reasons; by owner and period when given.</summary>
    public async Task<FunnelReport> FunnelAsync(string? owner, DateOnly? from, DateOnly? to, CurrentUser user, CancellationToken cancellationToken)
    {
        // The funnel of all cases for those whose rules open every record; the others see their own cases' funnel.
        var query = Cases.CaseAccess.Visible(db, recordAccess, user).AsNoTracking();
        if (!Cases.CaseAccess.SeesAll(recordAccess, user))
        {
            query = query.Where(c => c.Owner == user.UserName);
        }

        if (!string.IsNullOrWhiteSpace(owner)) query = query.Where(c => c.Owner == owner);
        var cases = await query.ToListAsync(cancellationToken);
        if (from is { } f) cases = [.. cases.Where(c => DateOnly.FromDateTime(c.CreatedAt.UtcDateTime) >= f)];
        if (to is { } t) cases = [.. cases.Where(c => DateOnly.FromDateTime(c.CreatedAt.UtcDateTime) <= t)];
        var open = cases.Where(c => c.Outcome == CaseOutcome.Open).ToList();
        // The defined phases in order, then any phase an admin has since removed that open cases are still in.
        var defined = await CasePhases.LoadAsync(db, cancellationToken);
        var names = defined.Open.Concat(open.Select(c => c.Phase).Where(p => !defined.IsOpenPhase(p)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)).ToList();
        var phases = names.Select(p => open.Where(c => c.Phase == p).ToList())
            .Select((list, i) => new FunnelPhase(names[i], list.Count, list.Sum(c => c.Value), list.Sum(c => c.Value * c.Probability / 100m))).ToList();
        var won = cases.Where(c => c.Outcome == CaseOutcome.Won).ToList();
        var lost = cases.Where(c => c.Outcome == CaseOutcome.Lost).ToList();
        var steps = defined.Open.Append("won").ToList();
        var conversions = Enumerable.Range(0, defined.Open.Count).Select(i =>
        {
            var reached = cases.Count(c => c.ReachedPhase >= i);
            var wentOn = cases.Count(c => c.ReachedPhase >= i + 1);
            return new FunnelConversion(steps[i], steps[i + 1], reached, wentOn, reached == 0 ? 0 : Math.Round((double)wentOn / reached, 3));
        }).ToList();
        var owners = cases.GroupBy(c => c.Owner).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new FunnelOwner(g.Key,
            g.Count(c => c.Outcome == CaseOutcome.Open), g.Where(c => c.Outcome == CaseOutcome.Open).Sum(c => c.Value),
            g.Count(c => c.Outcome == CaseOutcome.Won), g.Where(c => c.Outcome == CaseOutcome.Won).Sum(c => c.Value), g.Count(c => c.Outcome == CaseOutcome.Lost))).ToList();
        return new FunnelReport(phases, won.Count, won.Sum(c => c.Value), lost.Count, lost.Sum(c => c.Value),
            lost.GroupBy(c => c.LostReason ?? "(none)").ToDictionary(g => g.Key, g => g.Count()))
        {
            Conversions = conversions, Owners = owners,
        };
    }

    /// <summary>The funnel as .xlsx: phases, conversion, owners and lost reasons, one block after another.</summary>
    public static byte[] FunnelToExcel(FunnelReport funnel)
    {
        var rows = new List<IReadOnlyList<object?>>();
        rows.AddRange(funnel.Phases.Select(p => (IReadOnlyList<object?>)[p.Phase, p.Count, p.Value, p.Weighted]));
        rows.Add(["won", funnel.Won, funnel.WonValue, null]);
        rows.Add(["lost", funnel.Lost, funnel.LostValue, null]);
        rows.Add([]);
        rows.Add(["Conversion", "Reached", "Went on", "Rate"]);
        rows.AddRange(funnel.Conversions.Select(c => (IReadOnlyList<object?>)[$"{c.From} → {c.To}", c.Reached, c.WentOn, c.Rate]));
        rows.Add([]);
        rows.Add(["Owner", "Open", "Open value", "Won", "Won value", "Lost"]);
        rows.AddRange(funnel.Owners.Select(o => (IReadOnlyList<object?>)[o.Owner, o.Open, o.OpenValue, o.Won, o.WonValue, o.Lost]));
        rows.Add([]);
        rows.Add(["Lost reason", "Cases"]);
        rows.AddRange(funnel.LostReasons.Select(r => (IReadOnlyList<object?>)[r.Key, r.Value]));
        return ExcelWriter.Write("Funnel", ["Phase", "Cases", "Value", "Weighted value"], rows);
    }

    public async Task<List<CrmCase>> ForCounterpartyAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == counterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {counterpartyId} does not exist.");
        }

        return recordAccess.Can(user, AccessObjects.Case, AccessRights.Read)
            ? await db.Cases.AsNoTracking().Where(c => c.CounterpartyId == counterpartyId).OrderByDescending(c => c.CreatedAt).ToListAsync(cancellationToken)
            : [];
    }

}
