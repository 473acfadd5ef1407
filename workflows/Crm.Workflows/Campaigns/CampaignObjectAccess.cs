using System.Text.Json.Nodes;
using Crm.Modules.Marketing.Campaigns;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.Campaigns;

/// <summary>A campaign process's protected values are shown to those who may see the campaign.</summary>
public sealed class CampaignObjectAccess(CampaignBook campaigns) : IProcessObjectAccess
{
    public string ProcessKey => CampaignProcess.Key;

    public async Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken) =>
        await CampaignAccessCheck.MaySeeAsync(campaigns, variables, user, cancellationToken);
}

/// <summary>The same for a member's child process.</summary>
public sealed class CampaignMemberObjectAccess(CampaignBook campaigns) : IProcessObjectAccess
{
    public string ProcessKey => CampaignProcess.MemberKey;

    /// <summary>The member's owner works the task without being on the campaign's team.</summary>
    public async Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken) =>
        variables.Text("memberOwner") == user.UserName || await CampaignAccessCheck.MaySeeAsync(campaigns, variables, user, cancellationToken);
}

internal static class CampaignAccessCheck
{
    public static async Task<bool> MaySeeAsync(CampaignBook campaigns, IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken)
    {
        if (variables.OptionalGuid("campaignId") is not { } id)
        {
            return false;
        }

        try
        {
            await campaigns.FindAsync(id, user, cancellationToken);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }
}

/// <summary>Four eyes: the campaign's owner never approves its own budget, even when the task reaches them.</summary>
public sealed class CampaignFourEyes : ITaskCompletionGuard
{
    public string? RefuseInboxCompletion(UserTask task) => null;

    public string? RefuseWorker(UserTask task, CurrentUser user, IReadOnlyDictionary<string, JsonNode?> variables) =>
        task.ProcessKey == CampaignProcess.Key && task.ElementId == CampaignProcess.ApproveTaskId && variables.Text("owner") == user.UserName
            ? "Four eyes: this is your campaign, so someone else approves its budget."
            : null;
}
