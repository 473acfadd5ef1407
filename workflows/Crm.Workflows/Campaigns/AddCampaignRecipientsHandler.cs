using System.Text.Json.Nodes;
using Crm.Modules.Marketing.Campaigns;
using Crm.Platform.Identity;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.Campaigns;

/// <summary>
/// Puts the process's company (and person) on a campaign, from any process (a complaint closed with a voucher, a won
/// case for a follow-up campaign). The campaign is named in the model; the company comes from the instance, and the
/// user who completed the step must see it and may change the campaign: a value typed into a form gains nothing.
/// </summary>
[ServiceTaskHandler("crm.campaign.add-recipients", DisplayName = "Add to a campaign", Category = "Campaigns",
    Description = "Adds the process's company (and person) to a campaign's target list, checked against the user who completed the step.")]
[HandlerInput("campaign", Required = true, Description = "The campaign's name (a draft or running campaign)")]
[HandlerInput("counterpartyVariable", Description = "The variable holding the company (default counterpartyId)")]
[HandlerInput("personVariable", Description = "The variable holding the person (default personId)")]
[HandlerOutput("campaignMembersAdded", "number")]
public sealed class AddCampaignRecipientsHandler(CampaignBook campaigns, CampaignMembers members, UserDirectory users) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var name = context.Inputs.GetValueOrDefault("campaign")?.ToString();
        var companyVariable = context.Inputs.GetValueOrDefault("counterpartyVariable")?.ToString() is { Length: > 0 } c ? c : "counterpartyId";
        var personVariable = context.Inputs.GetValueOrDefault("personVariable")?.ToString() is { Length: > 0 } p ? p : "personId";
        var company = context.Variables.OptionalGuid(companyVariable) ?? throw new ServiceTaskFailedException($"The process has no company in '{companyVariable}'.");
        var user = context.UserName is { } userName ? await users.CurrentUserAsync(userName, cancellationToken) : null;
        if (user is null)
        {
            throw new ServiceTaskFailedException("Adding to a campaign follows a step a user completes: their rights are checked.");
        }

        var campaign = (await campaigns.ListAsync(name, null, user, cancellationToken))
            .FirstOrDefault(x => x.Name == name && x.Status is CampaignStatus.Draft or CampaignStatus.Running)
            ?? throw new ServiceTaskFailedException($"There is no draft or running campaign '{name}' that {user.UserName} may see.");
        var result = await members.AddSelectedAsync(campaign.Id, [(company, context.Variables.OptionalGuid(personVariable))], "process", user, cancellationToken, save: false);
        return new Dictionary<string, JsonNode?> { ["campaignMembersAdded"] = result.Added };
    }
}
