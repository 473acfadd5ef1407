using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Modules.Marketing.Campaigns;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.Campaigns;

[ServiceTaskHandler("crm.campaign.record-approval", DisplayName = "Record the budget approval", Category = "Campaigns",
    Description = "Approved: the campaign goes on. Not approved: it returns to draft with the approver's comment.")]
public sealed class RecordCampaignApprovalHandler(CampaignLifecycle lifecycle) : ServiceTaskHandler<CampaignVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CampaignVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var approved = context.Variables.Text("approved") == "yes";
        await lifecycle.RecordApprovalAsync(variables.CampaignId, approved, context.Variables.Text("approvalComment"), context.UserName ?? variables.Approver, cancellationToken);
        return null;
    }
}

[ServiceTaskHandler("crm.campaign.launch", DisplayName = "Launch the campaign", Category = "Campaigns",
    Description = "Running: planned mailings start sending; the members are numbered for one child process each.")]
[HandlerOutput("memberCount", "number", Description = "How many members the campaign runs for.")]
public sealed class LaunchCampaignHandler(CampaignLifecycle lifecycle) : ServiceTaskHandler<CampaignVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CampaignVariables variables, ServiceTaskContext context, CancellationToken cancellationToken) =>
        new Dictionary<string, JsonNode?> { ["memberCount"] = await lifecycle.LaunchAsync(variables.CampaignId, cancellationToken) };
}

[ServiceTaskHandler("crm.campaign.number-late-members", DisplayName = "Number the members added meanwhile", Category = "Campaigns",
    Description = "Members added after the launch get the next numbers: lateFrom is where their wave starts, lateCount how many it has.")]
[HandlerOutput("lateFrom", "number"), HandlerOutput("lateCount", "number"), HandlerOutput("memberCount", "number")]
public sealed class NumberLateMembersHandler(CampaignLifecycle lifecycle) : ServiceTaskHandler<CampaignVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CampaignVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var numbered = context.Variables.TryGetValue("memberCount", out var count) && count is JsonValue value && value.TryGetValue<double>(out var n) ? (int)n : 0;
        var late = await lifecycle.NumberLateMembersAsync(variables.CampaignId, numbered, cancellationToken);
        return new Dictionary<string, JsonNode?> { ["lateFrom"] = numbered, ["lateCount"] = late, ["memberCount"] = numbered + late };
    }
}

[ServiceTaskHandler("crm.campaign.prepare-member", DisplayName = "Prepare a member's actions", Category = "Campaigns",
    Description = "Finds the member by its number and says whose work it is (the company's owner, else the campaign's).")]
[HandlerOutput("memberId"), HandlerOutput("memberOwner"), HandlerOutput("memberTitle"), HandlerOutput("hasCall", "boolean"), HandlerOutput("contactDue"),
    HandlerOutput("counterpartyId"), HandlerOutput("personId"), HandlerOutput("surveyId")]
public sealed class PrepareMemberHandler(CampaignLifecycle lifecycle, TimeProvider clock) : ServiceTaskHandler<MemberVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(MemberVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        // memberSeq is the call's loopCounter (0-based); members are numbered from 1.
        var memberId = await lifecycle.MemberAtAsync(variables.CampaignId, variables.MemberSeq + 1, cancellationToken);
        var step = await lifecycle.MemberStepAsync(variables.CampaignId, memberId, cancellationToken);
        // A planned survey is asked in the contact: the task links the company, the person and the survey's form for them.
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return new Dictionary<string, JsonNode?>
        {
            ["memberId"] = memberId.ToString(), ["memberOwner"] = step.Owner, ["memberTitle"] = step.Title, ["hasCall"] = step.HasCall || step.HasMeeting || step.SurveyId is not null,
            ["contactDue"] = step.DueOn is { } due && due > today ? due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T16:00:00Z" : "P7D",
            ["counterpartyId"] = step.CounterpartyId.ToString(), ["personId"] = step.PersonId?.ToString(), ["surveyId"] = step.SurveyId?.ToString(),
        };
    }
}

[ServiceTaskHandler("crm.campaign.record-contact", DisplayName = "Record the contact", Category = "Campaigns",
    Description = "The owner's call or meeting: contacted, responded, or not interested (opted out of this campaign).")]
[HandlerOutput("responded", "boolean")]
public sealed class RecordContactHandler(CampaignLifecycle lifecycle) : ServiceTaskHandler<MemberVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(MemberVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var memberId = variables.MemberId ?? throw new ServiceTaskFailedException("The member was not prepared.");
        var responded = await lifecycle.RecordContactAsync(variables.CampaignId, memberId, context.Variables.Text("outcome"), context.Variables.Text("contactNote"),
            context.UserName ?? "campaign", cancellationToken);
        return new Dictionary<string, JsonNode?> { ["responded"] = responded };
    }
}

[ServiceTaskHandler("crm.campaign.follow-up", DisplayName = "Open a sales case for a responder", Category = "Campaigns",
    Description = "A sales case for the member's owner with the campaign as its source (once per member).")]
[HandlerOutput("caseId")]
public sealed class FollowUpHandler(CampaignLifecycle lifecycle) : ServiceTaskHandler<MemberVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(MemberVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var memberId = variables.MemberId ?? throw new ServiceTaskFailedException("The member was not prepared.");
        return new Dictionary<string, JsonNode?> { ["caseId"] = (await lifecycle.FollowUpAsync(variables.CampaignId, memberId, cancellationToken)).ToString() };
    }
}

[ServiceTaskHandler("crm.campaign.close", DisplayName = "Close the campaign", Category = "Campaigns", Description = "Closed with the owner's evaluation; its results stay.")]
public sealed class CloseCampaignHandler(CampaignLifecycle lifecycle) : ServiceTaskHandler<CampaignVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CampaignVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await lifecycle.CloseAsync(variables.CampaignId, context.Variables.Text("evaluation"), cancellationToken);
        return null;
    }
}
