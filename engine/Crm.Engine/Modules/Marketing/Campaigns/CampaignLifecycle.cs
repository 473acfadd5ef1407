using Crm.Modules.Counterparties;
using Crm.Modules.Marketing.Mailings;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Campaigns;

public sealed record StartCampaignInput(string? Approver);

/// <summary>What a member's step in the process needs: whose work it is and what to call it.</summary>
/// <summary>A member's work: whose it is, whether someone contacts them (a call, meeting or survey is planned), the survey to ask, and by when.</summary>
public sealed record MemberStep(Guid MemberId, Guid CounterpartyId, Guid? PersonId, string Owner, string Title, bool HasCall, bool HasMeeting, Guid? SurveyId = null,
    DateOnly? DueOn = null);

/// <summary>
/// The campaign's way through its process: start (budget approval by another person: four eyes), launch (running,
/// its planned mailings start, the members become the process's list), each member's work, responses, follow-up cases
/// and the close with an evaluation. The handlers in workflows/Campaigns call these; the ids they act on come from the
/// process's protected variables, never from a form.
/// </summary>
public sealed class CampaignLifecycle(CrmDbContext db, CampaignBook campaigns, CampaignMembers members, MailingRecipients recipients, CaseService cases,
    Crm.Modules.Mail.MailAccounts accounts, Crm.Platform.Identity.UserDirectory users, TimeProvider clock, ProcessEngine? engine = null, ICampaignProcess? process = null)
{
    public async Task<CampaignView> StartAsync(Guid id, StartCampaignInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.FindEditableAsync(id, user, cancellationToken);
        if (engine is null || process is null)
        {
            throw new ConflictException("The campaign process is not installed on this server.");
        }

        if (campaign.Status != CampaignStatus.Draft || campaign.InstanceId is not null)
        {
            throw new ConflictException("This campaign was started already.");
        }

        var approver = input.Approver?.Trim();
        var approverUser = string.IsNullOrEmpty(approver) ? null : await users.CurrentUserAsync(approver, cancellationToken);
        if (approverUser is null || !approverUser.IsProcessOwner || approver == campaign.Owner || approver == user.UserName)
        {
            throw ValidationFailedException.For("approver", "Choose a process owner other than yourself and the campaign's owner to approve the budget (four eyes).");
        }

        if (!await db.CampaignMembers.AnyAsync(m => m.CampaignId == id, cancellationToken))
        {
            throw ValidationFailedException.For("members", "Build the target list first: the campaign has no members.");
        }

        await engine.ExecuteAsync(async unit =>
        {
            // Read again inside the command: a start that lost the race is re-run here and finds the other's instance.
            var fresh = await db.Campaigns.SingleAsync(c => c.Id == id, cancellationToken);
            if (fresh.Status != CampaignStatus.Draft || fresh.InstanceId is not null)
            {
                throw new ConflictException("This campaign was started already.");
            }

            fresh.InstanceId = await process.StartAsync(unit, fresh, approver!, user.UserName, cancellationToken);
            fresh.Revision++;
        }, cancellationToken);
        return await campaigns.GetAsync(id, user, cancellationToken);
    }

    /// <summary>The approver's decision: approved, the campaign goes on; rejected, it returns to draft with the comment.</summary>
    public async Task RecordApprovalAsync(Guid id, bool approved, string? comment, string by, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == id, cancellationToken);
        if (!approved)
        {
            (campaign.InstanceId, campaign.Evaluation) = (null, Consents.ConsentLedger.Clip($"Budget not approved by {by}: {comment}", 4000));
        }

        campaign.Revision++;
    }

    /// <summary>
    /// Running: the planned mailings start (as the campaign's owner), and the members (opted-out ones left out) are
    /// numbered 1..n: the process runs one child per number, so its own state stays small whatever the list's size.
    /// </summary>
    public async Task<int> LaunchAsync(Guid id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == id, cancellationToken);
        if (campaign.Status == CampaignStatus.Draft)
        {
            (campaign.Status, campaign.StartsOn) = (CampaignStatus.Running, campaign.StartsOn ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
            campaign.Revision++;
        }

        // Tracked changes only: the step's commit saves them (a save or a cleared tracker here would lose the process's own state).
        var listed = await db.CampaignMembers.Where(m => m.CampaignId == id && m.State != MemberState.OptedOut).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var number = 0;
        foreach (var member in listed)
        {
            member.Sequence = ++number;
        }

        var owner = await users.CurrentUserAsync(campaign.Owner, cancellationToken);
        var planned = await db.CampaignActions.Where(a => a.CampaignId == id && a.Kind == ActionKind.Mailing && a.MailingId != null).Select(a => a.MailingId!.Value).ToListAsync(cancellationToken);
        foreach (var mailing in await db.Mailings.Where(m => planned.Contains(m.Id) && m.Status == MailingStatus.Draft).ToListAsync(cancellationToken))
        {
            // Sent in the owner's name: the owner must still be allowed the account.
            if (owner is null || !await accounts.MayUseAsync(mailing.AccountId, owner, cancellationToken))
            {
                throw new ConflictException($"The campaign's owner {campaign.Owner} may not send from the account of the mailing '{mailing.Name}'.");
            }

            await recipients.PrepareAsync(mailing, campaign.Owner, cancellationToken);
        }

        return number;
    }

    /// <summary>
    /// Members added while the campaign ran (a process, an import, a survey selection) get the next numbers, so the process
    /// runs a further wave of children for them; returns how many were numbered now.
    /// </summary>
    public async Task<int> NumberLateMembersAsync(Guid id, int numberedSoFar, CancellationToken cancellationToken)
    {
        // Tracked changes only, as in the launch: the step's commit saves them.
        var late = await db.CampaignMembers.Where(m => m.CampaignId == id && m.Sequence == null && m.State != MemberState.OptedOut).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var number = numberedSoFar;
        foreach (var member in late)
        {
            member.Sequence = ++number;
        }

        return late.Count;
    }

    /// <summary>The member with number <paramref name="sequence"/> of the launched list.</summary>
    public async Task<Guid> MemberAtAsync(Guid campaignId, int sequence, CancellationToken cancellationToken) =>
        // Numbered in this very step (the launch starts the first children before its commit), or earlier.
        db.CampaignMembers.Local.FirstOrDefault(m => m.CampaignId == campaignId && m.Sequence == sequence)?.Id
        ?? await db.CampaignMembers.Where(m => m.CampaignId == campaignId && m.Sequence == sequence).Select(m => (Guid?)m.Id).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"The campaign has no member number {sequence}.");

    public async Task<MemberStep> MemberStepAsync(Guid campaignId, Guid memberId, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, cancellationToken);
        var member = await db.CampaignMembers.AsNoTracking().SingleAsync(m => m.Id == memberId && m.CampaignId == campaignId, cancellationToken);
        var company = await db.Counterparties.AsNoTracking().Where(c => c.Id == member.CounterpartyId).Select(c => new { c.Name, c.Owner }).SingleAsync(cancellationToken);
        var person = member.PersonId is { } p ? await db.Persons.AsNoTracking().Where(x => x.Id == p).Select(x => x.FirstName + " " + x.LastName).SingleOrDefaultAsync(cancellationToken) : null;
        var actions = await db.CampaignActions.AsNoTracking().Where(a => a.CampaignId == campaignId).OrderBy(a => a.Order).Select(a => new { a.Kind, a.SurveyId, a.DueOn })
            .ToListAsync(cancellationToken);
        var kinds = actions.Select(a => a.Kind).ToList();
        var survey = actions.FirstOrDefault(a => a.Kind == ActionKind.Survey && a.SurveyId is not null)?.SurveyId;
        // The contact is due by the earliest due date planned for calls, meetings and surveys (none: the process's default).
        var due = actions.Where(a => a.Kind is ActionKind.Call or ActionKind.Meeting or ActionKind.Survey && a.DueOn is not null).Min(a => a.DueOn);
        var owner = company.Owner is { } o && await db.Users.AnyAsync(u => u.UserName == o && u.IsActive, cancellationToken) ? o : campaign.Owner;
        return new MemberStep(memberId, member.CounterpartyId, member.PersonId, owner, person is null ? company.Name : $"{person} ({company.Name})",
            kinds.Contains(ActionKind.Call), kinds.Contains(ActionKind.Meeting), survey, due);
    }

    /// <summary>The member's owner reported the call or meeting: contacted, or responded; not interested opts the member out of this campaign.</summary>
    public async Task<bool> RecordContactAsync(Guid campaignId, Guid memberId, string outcome, string? note, string by, CancellationToken cancellationToken)
    {
        var member = await db.CampaignMembers.SingleAsync(m => m.Id == memberId && m.CampaignId == campaignId, cancellationToken);
        var state = outcome switch
        {
            "responded" => MemberState.Responded,
            "not-interested" => MemberState.OptedOut,
            _ => MemberState.Contacted,
        };
        if (member.State is not (MemberState.OptedOut or MemberState.Converted) && (state > member.State || state == MemberState.OptedOut))
        {
            (member.State, member.StateAt) = (state, clock.GetUtcNow());
        }

        member.Note = Consents.ConsentLedger.Clip(string.IsNullOrWhiteSpace(note) ? member.Note : $"{by}: {note}", 1000);
        return member.State is MemberState.Responded or MemberState.Converted;
    }

    /// <summary>The member responded: a sales case for the member's owner with the campaign as its source (once per member).</summary>
    public async Task<Guid> FollowUpAsync(Guid campaignId, Guid memberId, CancellationToken cancellationToken)
    {
        var member = await db.CampaignMembers.SingleAsync(m => m.Id == memberId && m.CampaignId == campaignId, cancellationToken);
        if (member.CaseId is { } existing)
        {
            return existing;
        }

        var step = await MemberStepAsync(campaignId, memberId, cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, cancellationToken);
        var owner = await users.CurrentUserAsync(step.Owner, cancellationToken) ?? throw new ConflictException($"The member's owner {step.Owner} is not an active user.");
        var caseId = await cases.CreateAsync(new CreateCaseRequest($"{campaign.Name}: {step.Title}", member.CounterpartyId, member.PersonId, null, campaign.Currency, null, null, null,
            step.Owner), owner, cancellationToken, campaignId);
        member = await db.CampaignMembers.SingleAsync(m => m.Id == memberId, cancellationToken);
        member.CaseId = caseId;
        if (member.State < MemberState.Responded)
        {
            (member.State, member.StateAt) = (MemberState.Responded, clock.GetUtcNow());
        }

        return caseId;
    }

    public async Task CloseAsync(Guid campaignId, string? evaluation, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId, cancellationToken);
        (campaign.Status, campaign.ClosedAt) = (CampaignStatus.Closed, clock.GetUtcNow());
        campaign.EndsOn ??= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        campaign.Evaluation = Consents.ConsentLedger.Clip(evaluation, 4000) ?? campaign.Evaluation;
        campaign.Revision++;
    }

    /// <summary>A member's state set by hand; a response ends the process's wait for that member in the same commit.</summary>
    public async Task<MemberView> SetMemberStateAsync(Guid campaignId, Guid memberId, MemberState state, string? note, CurrentUser user, CancellationToken cancellationToken)
    {
        if (state != MemberState.Responded || engine is null || process is null)
        {
            return await members.SetStateAsync(campaignId, memberId, state, note, user, cancellationToken);
        }

        await engine.ExecuteAsync(async _ =>
        {
            await members.SetStateAsync(campaignId, memberId, state, note, user, cancellationToken, save: false);   // the unit's commit saves it with the step
            await process.MemberRespondedAsync(memberId, user, cancellationToken);
        }, cancellationToken);
        return await members.GetAsync(campaignId, memberId, user, cancellationToken);
    }
}
