using System.Text;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Workflow.Decisions;

/// <summary>HTTP API for DMN decisions: deploy, list, read, test, history (process owners and admins).</summary>
public static class DecisionApi
{
    public static IEndpointRouteBuilder MapDecisionApi(this IEndpointRouteBuilder app)
    {
        var decisions = app.MapGroup("/api/decisions").WithTags("Decisions");
        decisions.MapPost("/", async (HttpRequest request, CurrentUser user, DecisionService service, CancellationToken ct) =>
            {
                var result = await service.DeployAsync(await ProcessApi.ReadXmlAsync(request, ct), user, ct);
                return result.Created ? Results.Created($"/api/decisions/{result.Decisions[0].Key}", result) : Results.Ok(result);
            })
            .Accepts<string>("application/xml", "text/xml", "multipart/form-data")
            .WithFormOptions(multipartBodyLengthLimit: DecisionService.MaxXmlBytes + 64 * 1024)
            .WithName("DeployDecisions")
            .WithSummary("Deploys a DMN 1.1-1.3 file (raw body or a multipart file): 201 when a decision got a new version, 200 when unchanged, 400 listing every {elementId, message}.");
        decisions.MapGet("/", async (CurrentUser user, DecisionService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(user, ct)))
            .WithName("ListDecisions").WithSummary("The latest version of every deployed decision.");
        decisions.MapGet("/{key}", async (string key, int? version, CurrentUser user, DecisionService service, CancellationToken ct) =>
                TypedResults.Ok((await service.GetAsync(key, version, user, ct)).View))
            .WithName("GetDecision");
        decisions.MapGet("/{key}/xml", async (string key, int? version, CurrentUser user, DecisionService service, CancellationToken ct) =>
                TypedResults.Text((await service.GetAsync(key, version, user, ct)).Xml, "application/xml", Encoding.UTF8))
            .WithName("GetDecisionXml").WithSummary("The DMN file the decision was deployed with (latest or ?version=n).");
        decisions.MapPost("/{key}/evaluate", async (string key, EvaluateDecisionRequest request, CurrentUser user, DecisionService service, CancellationToken ct) =>
                TypedResults.Ok(await service.EvaluateAsync(key, request, user, ct)))
            .WithName("EvaluateDecision").WithSummary("Tests a decision with {variables}: the matched rules and the result; kept in the history as a test.");
        decisions.MapGet("/history", async (string? key, Guid? instanceId, int? take, CurrentUser user, DecisionService service, CancellationToken ct) =>
                TypedResults.Ok(await service.HistoryAsync(key, instanceId, take ?? 50, user, ct)))
            .WithName("DecisionHistory").WithSummary("What decisions decided: inputs, matched rules and result, newest first (?key=, ?instanceId=).");
        return app;
    }
}
