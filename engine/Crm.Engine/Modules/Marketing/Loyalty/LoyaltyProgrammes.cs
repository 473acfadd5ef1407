using System.Text.RegularExpressions;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Loyalty;

public sealed record PointTypeRequest(string? Code, string? Name, int? ExpiryMonths);

public sealed record CreateProgrammeRequest(string? Code, string? Name, string? Description, IReadOnlyList<PointTypeRequest>? PointTypes);

public sealed record UpdateProgrammeRequest(string? Name, string? Description, bool? Active, int Revision);

public sealed record RuleRequest(string? Name, string? Trigger, string? PointType, int? Points, decimal? PerAmount);

public sealed record ProgrammeSummary(Guid Id, string Code, string Name, string? Description, bool Active, int Members, DateTimeOffset CreatedAt);

public sealed record PointTypeView(string Code, string Name, int? ExpiryMonths);

public sealed record RuleView(Guid Id, string Name, string Trigger, string PointType, int Points, decimal? PerAmount, bool Active);

public sealed record ProgrammeView(Guid Id, string Code, string Name, string? Description, bool Active, int Revision, int Members,
    IReadOnlyList<PointTypeView> PointTypes, IReadOnlyList<RuleView> Rules, IReadOnlyList<RewardView> Rewards, bool MayEdit);

/// <summary>Programmes and their set-up: point types (with expiry), rules. Reading needs the loyalty read right, creating the create right, changing the edit right.</summary>
public sealed partial class LoyaltyProgrammes(CrmDbContext db, LoyaltyAccess access, TimeProvider clock)
{
    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{0,19}$")]
    private static partial Regex ProgrammeCode();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,29}$")]
    private static partial Regex TypeCode();

    public async Task<IReadOnlyList<ProgrammeSummary>> ListAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Read);
        var members = access.VisibleMembers(user);
        return await db.LoyaltyProgrammes.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new ProgrammeSummary(p.Id, p.Code, p.Name, p.Description, p.Active, members.Count(m => m.ProgrammeId == p.Id), p.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<ProgrammeView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Read);
        var p = await db.LoyaltyProgrammes.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken) ?? throw new NotFoundException($"Programme {id} does not exist.");
        var types = await db.LoyaltyPointTypes.AsNoTracking().Where(t => t.ProgrammeId == id).OrderBy(t => t.Code).Select(t => new PointTypeView(t.Code, t.Name, t.ExpiryMonths)).ToListAsync(cancellationToken);
        var rules = await db.LoyaltyRules.AsNoTracking().Where(r => r.ProgrammeId == id).OrderBy(r => r.Name)
            .Select(r => new RuleView(r.Id, r.Name, r.Trigger, r.PointType, r.Points, r.PerAmount, r.Active)).ToListAsync(cancellationToken);
        var rewards = await db.LoyaltyRewards.AsNoTracking().Where(r => r.ProgrammeId == id).OrderBy(r => r.Price).ThenBy(r => r.Name)
            .Select(r => new RewardView(r.Id, r.Name, r.Description, r.PointType, r.Price, r.Stock, r.Active, r.Revision)).ToListAsync(cancellationToken);
        var members = await access.VisibleMembers(user).CountAsync(m => m.ProgrammeId == id, cancellationToken);
        return new ProgrammeView(p.Id, p.Code, p.Name, p.Description, p.Active, p.Revision, members, types, rules, rewards, access.Can(user, AccessRights.Edit));
    }

    /// <summary>A new programme; without point types it gets "base" (never expiring).</summary>
    public async Task<Guid> CreateAsync(CreateProgrammeRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Create);
        var errors = new Dictionary<string, string[]>();
        var code = request.Code?.Trim().ToUpperInvariant();
        if (code is null || !ProgrammeCode().IsMatch(code)) errors["code"] = ["A code of 1 to 20 letters, digits or dashes, e.g. PREMIUM."];
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200) errors["name"] = ["Give a name of at most 200 characters."];
        if (request.Description is { Length: > 2000 }) errors["description"] = ["At most 2000 characters."];
        var types = request.PointTypes is { Count: > 0 } given ? given : [new PointTypeRequest("base", "Base points", null)];
        foreach (var type in types)
        {
            CheckType(type, errors);
        }

        if (types.Select(t => t.Code?.Trim().ToLowerInvariant()).Distinct().Count() != types.Count) errors["pointTypes"] = ["Each point type code once."];
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        if (await db.LoyaltyProgrammes.AnyAsync(p => p.Code == code, cancellationToken)) throw ValidationFailedException.For("code", $"A programme with the code {code} exists.");
        var programme = new LoyaltyProgramme
        {
            Code = code!, Name = request.Name!.Trim(), Description = Trimmed(request.Description), CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        db.LoyaltyProgrammes.Add(programme);
        db.LoyaltyPointTypes.AddRange(types.Select(t => new LoyaltyPointType { ProgrammeId = programme.Id, Code = t.Code!.Trim().ToLowerInvariant(), Name = t.Name!.Trim(), ExpiryMonths = t.ExpiryMonths }));
        await SaveAsync(cancellationToken);
        return programme.Id;
    }

    public async Task UpdateAsync(Guid id, UpdateProgrammeRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Edit);
        var p = await db.LoyaltyProgrammes.SingleOrDefaultAsync(x => x.Id == id, cancellationToken) ?? throw new NotFoundException($"Programme {id} does not exist.");
        if (p.Revision != request.Revision) throw new ConflictException("The programme was changed meanwhile; reload and try again.");
        if (request.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 200)) throw ValidationFailedException.For("name", "Give a name of at most 200 characters.");
        if (request.Description is { Length: > 2000 }) throw ValidationFailedException.For("description", "At most 2000 characters.");
        p.Name = request.Name?.Trim() ?? p.Name;
        p.Description = request.Description is null ? p.Description : Trimmed(request.Description);
        p.Active = request.Active ?? p.Active;
        p.Revision++;
        await SaveAsync(cancellationToken);
    }

    /// <summary>Adds a point type, or renames one and changes its expiry (existing points follow the new period from the next expiry pass).</summary>
    public async Task SavePointTypeAsync(Guid id, PointTypeRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        await EditableAsync(id, user, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        CheckType(request, errors);
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        var code = request.Code!.Trim().ToLowerInvariant();
        var type = await db.LoyaltyPointTypes.SingleOrDefaultAsync(t => t.ProgrammeId == id && t.Code == code, cancellationToken);
        if (type is null)
        {
            db.LoyaltyPointTypes.Add(new LoyaltyPointType { ProgrammeId = id, Code = code, Name = request.Name!.Trim(), ExpiryMonths = request.ExpiryMonths });
        }
        else
        {
            type.Name = request.Name!.Trim();
            type.ExpiryMonths = request.ExpiryMonths;
        }

        await SaveAsync(cancellationToken);
    }

    public async Task<Guid> AddRuleAsync(Guid id, RuleRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        await EditableAsync(id, user, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var trigger = request.Trigger?.Trim().ToLowerInvariant();
        var pointType = request.PointType?.Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200) errors["name"] = ["Give the rule a name of at most 200 characters."];
        if (trigger is null || !LoyaltyTriggers.All.Contains(trigger)) errors["trigger"] = [$"Choose one of: {string.Join(", ", LoyaltyTriggers.All)}."];
        if (pointType is null || !await db.LoyaltyPointTypes.AnyAsync(t => t.ProgrammeId == id && t.Code == pointType, cancellationToken)) errors["pointType"] = ["Choose a point type of the programme."];
        if (request.Points is not (> 0 and <= 100_000)) errors["points"] = ["Give 1 to 100 000 points."];
        if (trigger == LoyaltyTriggers.OrderValue && request.PerAmount is not (> 0 and <= 1_000_000)) errors["perAmount"] = ["Give the order value that earns the points, e.g. 10 (PLN)."];
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        var rule = new LoyaltyRule
        {
            ProgrammeId = id, Name = request.Name!.Trim(), Trigger = trigger!, PointType = pointType!, Points = request.Points!.Value,
            PerAmount = trigger == LoyaltyTriggers.OrderValue ? request.PerAmount : null,
        };
        db.LoyaltyRules.Add(rule);
        await SaveAsync(cancellationToken);
        return rule.Id;
    }

    public async Task SetRuleActiveAsync(Guid id, Guid ruleId, bool active, CurrentUser user, CancellationToken cancellationToken)
    {
        await EditableAsync(id, user, cancellationToken);
        var rule = await db.LoyaltyRules.SingleOrDefaultAsync(r => r.Id == ruleId && r.ProgrammeId == id, cancellationToken) ?? throw new NotFoundException($"Rule {ruleId} does not exist.");
        rule.Active = active;
        await SaveAsync(cancellationToken);
    }

    internal async Task<LoyaltyProgramme> EditableAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Read);
        var programme = await db.LoyaltyProgrammes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw new NotFoundException($"Programme {id} does not exist.");
        access.Require(user, AccessRights.Edit);
        return programme;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A revision raced or a twin code: nothing of this request stays tracked.
            db.ChangeTracker.Clear();
            throw new ConflictException("The programme was changed meanwhile; reload and try again.");
        }
    }

    private static void CheckType(PointTypeRequest type, Dictionary<string, string[]> errors)
    {
        if (type.Code is null || !TypeCode().IsMatch(type.Code.Trim().ToLowerInvariant())) errors["pointTypes.code"] = ["A point type code of 1 to 30 letters, digits or dashes, e.g. base, bonus."];
        if (string.IsNullOrWhiteSpace(type.Name) || type.Name.Length > 100) errors["pointTypes.name"] = ["Name each point type (at most 100 characters)."];
        if (type.ExpiryMonths is not (null or (> 0 and <= 240))) errors["pointTypes.expiryMonths"] = ["Points expire after 1 to 240 months, or never (empty)."];
    }

    internal static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
