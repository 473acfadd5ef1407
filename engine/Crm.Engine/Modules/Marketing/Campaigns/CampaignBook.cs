using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Campaigns;

public sealed record CampaignInput(string? Name, string? Goal, string? Type, decimal? Budget, string? Currency, DateOnly? StartsOn, DateOnly? EndsOn,
    string? Owner, IReadOnlyList<string>? Team, int? ResponseDays);

public sealed record CampaignListItem(Guid Id, string Name, string Type, CampaignStatus Status, decimal Budget, string Currency, DateOnly? StartsOn, DateOnly? EndsOn,
    string Owner, int Members);

public sealed record CampaignView(Guid Id, string Name, string? Goal, string Type, CampaignStatus Status, decimal Budget, string Currency, DateOnly? StartsOn,
    DateOnly? EndsOn, string Owner, IReadOnlyList<string> Team, int ResponseDays, Guid? InstanceId, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt, string? Evaluation, bool MayEdit, int Revision, Guid? FolderId = null);

public sealed record CostInput(bool Actual, string? Description, decimal? Amount, DateOnly? On);

public sealed record CostView(Guid Id, bool Actual, string Description, decimal Amount, DateOnly On, string By);

public sealed record ActionInput(ActionKind Kind, string? Title, string? Instructions, DateOnly? DueOn, Guid? MailingId, Guid? SurveyId);

public sealed record ActionView(Guid Id, ActionKind Kind, string Title, string? Instructions, DateOnly? DueOn, Guid? MailingId, Guid? SurveyId, int Order);

/// <summary>Campaigns: list, create, change, cost lines and planned actions.</summary>
public sealed class CampaignBook(CrmDbContext db, CounterpartyAccess recordAccess, RecordFolders folders, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Types = ["mailing", "event", "telemarketing", "trade-fair", "online", "other"];

    /// <summary>The top folder that holds one folder per campaign.</summary>
    public const string TopFolder = "Kampanie";

    public async Task<List<CampaignListItem>> ListAsync(string? search, CampaignStatus? status, CurrentUser user, CancellationToken cancellationToken)
    {
        var query = CampaignAccess.Visible(db, recordAccess, user).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim();
            query = query.Where(c => c.Name.Contains(text));
        }

        if (status is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        return await query.OrderByDescending(c => c.CreatedAt).Take(500)
            .Select(c => new CampaignListItem(c.Id, c.Name, c.Type, c.Status, c.Budget, c.Currency, c.StartsOn, c.EndsOn, c.Owner,
                db.CampaignMembers.Count(m => m.CampaignId == c.Id)))
            .ToListAsync(cancellationToken);
    }

    public async Task<CampaignView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken) => View(await FindAsync(id, user, cancellationToken), user);

    public async Task<Campaign> FindAsync(Guid id, CurrentUser user, CancellationToken cancellationToken) =>
        await CampaignAccess.Visible(db, recordAccess, user).SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Campaign {id} does not exist or is not visible to you.");

    public async Task<Campaign> FindEditableAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await FindAsync(id, user, cancellationToken);
        return CampaignAccess.MayEdit(recordAccess, campaign, user) ? campaign
            : throw new ForbiddenException("Only the campaign's owner, its team and process owners change it.");
    }

    public async Task<CampaignView> CreateAsync(CampaignInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Campaign, AccessRights.Create);
        var campaign = new Campaign { Name = "", Type = "other", Owner = user.UserName, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        await ApplyAsync(campaign, input, cancellationToken);
        campaign.FolderId = await folders.CreateAsync(TopFolder, campaign.Name, FolderGrants(campaign), user.UserName, cancellationToken);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(cancellationToken);
        return View(campaign, user);
    }

    public async Task<CampaignView> UpdateAsync(Guid id, CampaignInput input, int? revision, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await FindEditableAsync(id, user, cancellationToken);
        if (revision is { } r && r != campaign.Revision)
        {
            throw new ConflictException("Someone changed this campaign meanwhile: reload it and apply your change again.");
        }

        if (campaign.Status is CampaignStatus.Closed or CampaignStatus.Cancelled)
        {
            throw new ConflictException("A closed campaign does not change.");
        }

        var approvedBudget = campaign.Budget;
        var people = (campaign.Owner, campaign.Team);
        await ApplyAsync(campaign, input, cancellationToken);
        if (campaign.InstanceId is not null && campaign.Budget != approvedBudget)
        {
            throw ValidationFailedException.For("budget", "The budget was sent for approval: it does not change any more (record costs instead).");
        }

        if (campaign.FolderId is { } folder && people != (campaign.Owner, campaign.Team))
        {
            await folders.SetGrantsAsync(folder, FolderGrants(campaign), cancellationToken);
        }

        campaign.Revision++;
        await db.SaveChangesAsync(cancellationToken);
        return View(campaign, user);
    }

    /// <summary>The campaign's document folder; campaigns made before folders existed get theirs when someone who may edit first opens it.</summary>
    public async Task<Guid?> FolderAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await FindAsync(id, user, cancellationToken);
        if (campaign.FolderId is null && CampaignAccess.MayEdit(recordAccess, campaign, user))
        {
            campaign.FolderId = await folders.CreateAsync(TopFolder, campaign.Name, FolderGrants(campaign), user.UserName, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        return campaign.FolderId;
    }

    /// <summary>Who works with the campaign's files: its owner, creator and team, and process owners; compliance reads.</summary>
    public static IReadOnlyList<RecordFolderGrant> FolderGrants(Campaign campaign)
    {
        const DocumentRights work = DocumentRights.Read | DocumentRights.Download | DocumentRights.Write;
        return
        [
            new(campaign.Owner, false, work), new(campaign.CreatedBy, false, work), .. CampaignAccess.TeamOf(campaign).Select(t => new RecordFolderGrant(t, false, work)),
            new("process-owners", true, work), new("compliance", true, DocumentRights.Read | DocumentRights.Download),
        ];
    }

    public async Task<List<CostView>> CostsAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        await FindAsync(id, user, cancellationToken);
        return await db.CampaignCosts.AsNoTracking().Where(c => c.CampaignId == id).OrderBy(c => c.On).ThenBy(c => c.Id)
            .Select(c => new CostView(c.Id, c.Actual, c.Description, c.Amount, c.On, c.By)).ToListAsync(cancellationToken);
    }

    public async Task<CostView> AddCostAsync(Guid id, CostInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        await FindEditableAsync(id, user, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Description)) errors["description"] = ["Say what the cost is for."];
        if (input.Amount is null or < 0 or > 1_000_000_000) errors["amount"] = ["Give an amount from 0 to 1 000 000 000."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var cost = new CampaignCost
        {
            CampaignId = id, Actual = input.Actual, Description = input.Description!.Trim(), Amount = input.Amount!.Value,
            On = input.On ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), By = user.UserName,
        };
        db.CampaignCosts.Add(cost);
        await db.SaveChangesAsync(cancellationToken);
        return new CostView(cost.Id, cost.Actual, cost.Description, cost.Amount, cost.On, cost.By);
    }

    public async Task RemoveCostAsync(Guid id, Guid costId, CurrentUser user, CancellationToken cancellationToken)
    {
        await FindEditableAsync(id, user, cancellationToken);
        await db.CampaignCosts.Where(c => c.CampaignId == id && c.Id == costId).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<List<ActionView>> ActionsAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        await FindAsync(id, user, cancellationToken);
        return await db.CampaignActions.AsNoTracking().Where(a => a.CampaignId == id).OrderBy(a => a.Order)
            .Select(a => new ActionView(a.Id, a.Kind, a.Title, a.Instructions, a.DueOn, a.MailingId, a.SurveyId, a.Order)).ToListAsync(cancellationToken);
    }

    public async Task<ActionView> AddActionAsync(Guid id, ActionInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await FindEditableAsync(id, user, cancellationToken);
        if (campaign.Status != CampaignStatus.Draft)
        {
            throw new ConflictException("Plan the actions before the campaign starts: its process runs the ones planned then.");
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Title)) errors["title"] = ["Give the action a title."];
        if (input.Kind == ActionKind.Mailing && (input.MailingId is not { } mailingId || !await db.Mailings.AnyAsync(m => m.Id == mailingId && m.CampaignId == id, cancellationToken)))
        {
            errors["mailingId"] = ["Choose a mailing of this campaign."];
        }

        if (input.Kind == ActionKind.Survey && (input.SurveyId is not { } surveyId || !await db.Surveys.AnyAsync(s => s.Id == surveyId && !s.Closed, cancellationToken)))
        {
            errors["surveyId"] = ["Choose an open survey: its form is linked on every member's contact task."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var order = await db.CampaignActions.Where(a => a.CampaignId == id).Select(a => (int?)a.Order).MaxAsync(cancellationToken) ?? 0;
        var action = new CampaignAction
        {
            CampaignId = id, Kind = input.Kind, Title = input.Title!.Trim(), Instructions = ConsentsClip(input.Instructions, 4000), DueOn = input.DueOn,
            MailingId = input.Kind == ActionKind.Mailing ? input.MailingId : null, SurveyId = input.Kind == ActionKind.Survey ? input.SurveyId : null, Order = order + 1,
        };
        db.CampaignActions.Add(action);
        await db.SaveChangesAsync(cancellationToken);
        return new ActionView(action.Id, action.Kind, action.Title, action.Instructions, action.DueOn, action.MailingId, action.SurveyId, action.Order);
    }

    public async Task RemoveActionAsync(Guid id, Guid actionId, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await FindEditableAsync(id, user, cancellationToken);
        if (campaign.Status != CampaignStatus.Draft)
        {
            throw new ConflictException("The process already runs the planned actions.");
        }

        await db.CampaignActions.Where(a => a.CampaignId == id && a.Id == actionId).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task ApplyAsync(Campaign campaign, CampaignInput input, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200) errors["name"] = ["Give the campaign a name (at most 200 characters)."];
        if (input.Type is null || !Types.Contains(input.Type)) errors["type"] = [$"Choose a type: {string.Join(", ", Types)}."];
        if (input.Budget is < 0 or > 1_000_000_000) errors["budget"] = ["The budget is from 0 to 1 000 000 000."];
        if (input.StartsOn is { } from && input.EndsOn is { } to && to < from) errors["endsOn"] = ["The campaign cannot end before it starts."];
        if (input.ResponseDays is < 1 or > 365) errors["responseDays"] = ["Wait 1 to 365 days for a response."];
        var team = (input.Team ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var owner = string.IsNullOrWhiteSpace(input.Owner) ? campaign.Owner : input.Owner.Trim();
        var people = team.Append(owner).Distinct().ToList();
        var known = await db.Users.Where(u => people.Contains(u.UserName) && u.IsActive).Select(u => u.UserName).ToListAsync(cancellationToken);
        if (people.Except(known).ToList() is { Count: > 0 } unknown) errors["team"] = [$"No active user: {string.Join(", ", unknown)}."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        campaign.Name = input.Name!.Trim();
        campaign.Goal = ConsentsClip(input.Goal, 2000);
        campaign.Type = input.Type!;
        campaign.Budget = input.Budget ?? 0;
        campaign.Currency = string.IsNullOrWhiteSpace(input.Currency) ? "PLN" : input.Currency.Trim().ToUpperInvariant()[..Math.Min(3, input.Currency.Trim().Length)];
        campaign.StartsOn = input.StartsOn;
        campaign.EndsOn = input.EndsOn;
        campaign.Owner = owner;
        campaign.Team = team.Count == 0 ? null : string.Join(",", team);
        campaign.ResponseDays = input.ResponseDays ?? campaign.ResponseDays;
    }

    private CampaignView View(Campaign c, CurrentUser user) =>
        new(c.Id, c.Name, c.Goal, c.Type, c.Status, c.Budget, c.Currency, c.StartsOn, c.EndsOn, c.Owner, CampaignAccess.TeamOf(c), c.ResponseDays, c.InstanceId,
            c.CreatedBy, c.CreatedAt, c.ClosedAt, c.Evaluation, CampaignAccess.MayEdit(recordAccess, c, user), c.Revision, c.FolderId);

    private static string? ConsentsClip(string? text, int max) => Consents.ConsentLedger.Clip(text, max);
}
