using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Marketing.Campaigns;

public sealed record MemberStateInput(MemberState State, string? Note);

public sealed record ImportInput(string? Text);

/// <summary>A survey's respondents who answered so (criteria ANDed) become members.</summary>
public sealed record SurveyTargetInput(Guid SurveyId, IReadOnlyList<Surveys.AnswerCriterion>? Criteria);

/// <summary>Campaigns over HTTP: the campaign, its costs, planned actions, target list, results and the process.</summary>
public static class CampaignApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapCampaignApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns").WithTags("Campaigns");
        group.MapGet("/", (string? search, CampaignStatus? status, CurrentUser user, CampaignBook book, CancellationToken ct) => book.ListAsync(search, status, user, ct))
            .WithName("ListCampaigns").WithSummary("Campaigns the caller owns, works on or (managers) all; newest first.");
        group.MapPost("/", async (CampaignInput input, CurrentUser user, CampaignBook book, CancellationToken ct) =>
            {
                var created = await book.CreateAsync(input, user, ct);
                return TypedResults.Created($"/api/campaigns/{created.Id}", created);
            })
            .WithName("CreateCampaign").WithSummary("A campaign in draft: goal, type, budget, dates, owner and team.");
        group.MapGet("/{id:guid}", (Guid id, CurrentUser user, CampaignBook book, CancellationToken ct) => book.GetAsync(id, user, ct)).WithName("GetCampaign");
        group.MapPut("/{id:guid}", (Guid id, CampaignInput input, int? revision, CurrentUser user, CampaignBook book, CancellationToken ct) => book.UpdateAsync(id, input, revision, user, ct))
            .WithName("UpdateCampaign").WithSummary("Changes a campaign (revision: the one read, or 409).");
        group.MapGet("/{id:guid}/folder", async (Guid id, CurrentUser user, CampaignBook book, CancellationToken ct) => new { folderId = await book.FolderAsync(id, user, ct) })
            .WithName("CampaignFolder").WithSummary("The campaign's document folder (upload into it with POST /api/documents).");

        group.MapGet("/{id:guid}/costs", (Guid id, CurrentUser user, CampaignBook book, CancellationToken ct) => book.CostsAsync(id, user, ct)).WithName("CampaignCosts");
        group.MapPost("/{id:guid}/costs", (Guid id, CostInput input, CurrentUser user, CampaignBook book, CancellationToken ct) => book.AddCostAsync(id, input, user, ct))
            .WithName("AddCampaignCost").WithSummary("A planned (budget breakdown) or actual cost line.");
        group.MapDelete("/{id:guid}/costs/{costId:guid}", async (Guid id, Guid costId, CurrentUser user, CampaignBook book, CancellationToken ct) =>
            {
                await book.RemoveCostAsync(id, costId, user, ct);
                return TypedResults.NoContent();
            }).WithName("RemoveCampaignCost");

        group.MapGet("/{id:guid}/actions", (Guid id, CurrentUser user, CampaignBook book, CancellationToken ct) => book.ActionsAsync(id, user, ct)).WithName("CampaignActions");
        group.MapPost("/{id:guid}/actions", (Guid id, ActionInput input, CurrentUser user, CampaignBook book, CancellationToken ct) => book.AddActionAsync(id, input, user, ct))
            .WithName("AddCampaignAction").WithSummary("Plans a mailing, call, meeting or survey; the process turns it into work per member.");
        group.MapDelete("/{id:guid}/actions/{actionId:guid}", async (Guid id, Guid actionId, CurrentUser user, CampaignBook book, CancellationToken ct) =>
            {
                await book.RemoveActionAsync(id, actionId, user, ct);
                return TypedResults.NoContent();
            }).WithName("RemoveCampaignAction");

        group.MapGet("/{id:guid}/members", (Guid id, MemberState? state, string? search, int? page, int? pageSize, CurrentUser user, CampaignMembers members, CancellationToken ct) =>
                members.ListAsync(id, state, search, page ?? 1, pageSize ?? 50, user, ct))
            .WithName("CampaignMembers").WithSummary("Members of counterparties the caller sees (hidden: how many others there are).");
        group.MapPost("/{id:guid}/members/from-filter", (Guid id, TargetQuery query, CurrentUser user, CampaignMembers members, CancellationToken ct) =>
                members.AddFromQueryAsync(id, query, user, ct))
            .WithName("AddCampaignMembersFromFilter").WithSummary("Adds the counterparties (or their persons with an e-mail) the list would show for a search, category and filters (field:op:value).");
        group.MapPost("/{id:guid}/members/import", async (Guid id, ImportInput input, CurrentUser user, CampaignMembers members, CancellationToken ct) =>
            {
                var (result, notFound) = await members.ImportAsync(id, input.Text, user, ct);
                return TypedResults.Ok(new { result.Added, result.AlreadyOn, result.Matched, notFound });
            })
            .WithName("ImportCampaignMembers").WithSummary("Adds companies by NIP and persons by e-mail address (one per line); says which were not found.");
        group.MapPost("/{id:guid}/members/from-survey", async (Guid id, SurveyTargetInput input, CurrentUser user, Surveys.SurveySelection selection, CampaignMembers members, CancellationToken ct) =>
            {
                var selected = await selection.SelectAsync(input.SurveyId, input.Criteria ?? [], user, ct);
                return await members.AddSelectedAsync(id, [.. selected.Where(s => s.CounterpartyId is not null).Select(s => (s.CounterpartyId!.Value, s.PersonId))], "survey", user, ct);
            })
            .WithName("AddCampaignMembersFromSurvey").WithSummary("Adds the companies (and persons) that answered a survey so: its \"select by answers\" as a target list.");
        group.MapPut("/{id:guid}/members/{memberId:guid}/state", (Guid id, Guid memberId, MemberStateInput input, CurrentUser user, CampaignLifecycle lifecycle, CancellationToken ct) =>
                lifecycle.SetMemberStateAsync(id, memberId, input.State, input.Note, user, ct))
            .WithName("SetCampaignMemberState").WithSummary("Contacted, responded (the process's wait for this member ends), converted or opted out.");
        group.MapDelete("/{id:guid}/members/{memberId:guid}", async (Guid id, Guid memberId, CurrentUser user, CampaignMembers members, CancellationToken ct) =>
            {
                await members.RemoveAsync(id, memberId, user, ct);
                return TypedResults.NoContent();
            }).WithName("RemoveCampaignMember");

        group.MapGet("/{id:guid}/results", (Guid id, CurrentUser user, CampaignResults results, CancellationToken ct) => results.GetAsync(id, user, ct))
            .WithName("CampaignResults").WithSummary("Members by state, responses, cases opened and won, revenue, cost, ROI.");
        group.MapGet("/{id:guid}/results/export", async (Guid id, CurrentUser user, CampaignResults results, CancellationToken ct) =>
                TypedResults.File(await results.ExportAsync(id, user, ct), Xlsx, "campaign-results.xlsx"))
            .WithName("ExportCampaignResults");
        group.MapPost("/{id:guid}/start", (Guid id, StartCampaignInput input, CurrentUser user, CampaignLifecycle lifecycle, CancellationToken ct) => lifecycle.StartAsync(id, input, user, ct))
            .WithName("StartCampaign").WithSummary("Sends the budget for approval and starts the campaign's process (campaign-actions).");
        return app;
    }
}
