using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.Campaigns;

/// <summary>The variables of <c>campaign-actions</c> the product sets: written by <see cref="CampaignProcess"/>, read by the handlers.</summary>
public sealed record CampaignVariables(Guid CampaignId, string CampaignName, string Owner, string Approver, string ResponseWait) : IProcessVariables<CampaignVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["campaignId", "campaignName", "owner", "approver", "responseWait"];

    /// <summary>Set by the handlers; no task or message may write them.</summary>
    public static IReadOnlyList<string> HandlerSet { get; } = ["memberCount", "lateFrom", "lateCount"];

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["campaignId"] = CampaignId.ToString(),
        ["campaignName"] = CampaignName,
        ["owner"] = Owner,
        ["approver"] = Approver,
        ["responseWait"] = ResponseWait,
    };

    public static CampaignVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("campaignId"), variables.Text("campaignName"), variables.Text("owner"), variables.Text("approver"), variables.Text("responseWait"));
}

/// <summary>
/// The variables of <c>campaign-member</c> (one child per member): the campaign and the member's number come from the
/// parent's call; the member, its owner and title are set by the first step from the product's data.
/// </summary>
public sealed record MemberVariables(Guid CampaignId, int MemberSeq, Guid? MemberId) : IProcessVariables<MemberVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["campaignId", "memberSeq", "memberId"];

    public static IReadOnlyList<string> HandlerSet { get; } = ["memberOwner", "memberTitle", "hasCall", "contactDue", "counterpartyId", "personId", "surveyId", "responded", "caseId",
        "responseWait"];

    public static MemberVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("campaignId"),
        int.TryParse(variables.Text("memberSeq"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) ? seq
            : double.TryParse(variables.Text("memberSeq"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? (int)d
            : throw new ServiceTaskFailedException("The process has no valid 'memberSeq'."),
        variables.OptionalGuid("memberId"));
}
