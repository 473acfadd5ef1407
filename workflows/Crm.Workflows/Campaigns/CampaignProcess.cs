using System.Globalization;
using Crm.Modules.Marketing.Campaigns;
using Crm.Workflow.Common;
using Crm.Workflow.Messages;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.Campaigns;

/// <summary>
/// The starter of <c>campaign-actions</c> (approve the budget, launch, one <c>campaign-member</c> child per member,
/// evaluate, close) and the response message that ends a member's wait.
/// </summary>
public sealed class CampaignProcess(MessageService messages) : ICampaignProcess
{
    public const string Key = "campaign-actions", MemberKey = "campaign-member";
    public const string ResponseMessage = "campaign-response";
    public const string ApproveTaskId = "approveBudget", ContactTaskId = "contactMember", EvaluateTaskId = "evaluate";

    public async Task<Guid> StartAsync(EngineUnit unit, Campaign campaign, string approver, string startedBy, CancellationToken cancellationToken)
    {
        var variables = new CampaignVariables(campaign.Id, campaign.Name, campaign.Owner, approver, string.Create(CultureInfo.InvariantCulture, $"P{campaign.ResponseDays}D"));
        var instance = await unit.StartLatestAsync(Key, variables.ToVariables(), campaign.Name.Length <= 200 ? campaign.Name : campaign.Name[..200], startedBy, cancellationToken);
        return instance.Id;
    }

    public async Task MemberRespondedAsync(Guid memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        try
        {
            await messages.CorrelateAsync(new MessageRequest(ResponseMessage, null, memberId.ToString(), null, null), false, user, cancellationToken, byOwningUseCase: true);
        }
        catch (NotFoundException)
        {
            // The member's process does not wait (not launched yet, called instead, or the wait ran out): the state alone records the response.
        }
    }
}
