using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties.Gdpr;

/// <summary>GDPR erasure over HTTP: request (admins, compliance), the list, a request with its certificate.</summary>
public static class ErasureApi
{
    public static IEndpointRouteBuilder MapErasureApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/persons/{id:guid}/erasure", async (Guid id, ErasureRequestInput input, CurrentUser user, PersonErasure erasure, CancellationToken ct) =>
            {
                var request = await erasure.RequestAsync(id, input, user, ct);
                return TypedResults.Created($"/api/gdpr/erasures/{request.Id}", request);
            })
            .WithTags("GDPR").WithName("RequestErasure")
            .WithSummary("Asks to erase a person (RODO art. 17) with a reason; a second person of the approvers' group approves in the gdpr-erasure process.");
        var erasures = app.MapGroup("/api/gdpr/erasures").WithTags("GDPR");
        erasures.MapGet("/", (CurrentUser user, PersonErasure erasure, CancellationToken ct) => erasure.ListAsync(user, ct))
            .WithName("ListErasures").WithSummary("Erasure requests, newest first (compliance, admins).");
        erasures.MapGet("/{id:guid}/certificate", async (Guid id, CurrentUser user, PersonErasure erasure, CancellationToken ct) =>
            {
                var (request, certificate) = await erasure.CertificateAsync(id, user, ct);
                return TypedResults.Ok(new { request, certificate });
            })
            .WithName("ErasureCertificate").WithSummary("The certificate of a carried-out erasure, with its SHA-256.");
        var retention = app.MapGroup("/api/gdpr/retention").WithTags("GDPR");
        retention.MapGet("/", async (RetentionRules rules, CancellationToken ct) => TypedResults.Ok(new { years = await rules.YearsAsync(ct) }))
            .WithName("GetRetention").WithSummary("After how many years without an activity a contact person is proposed for erasure (null: never).");
        retention.MapPut("/", async (RetentionRuleInput input, CurrentUser user, RetentionRules rules, CancellationToken ct) =>
            {
                await rules.SetAsync(input, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("SetRetention").WithSummary("Sets the persons' retention rule (admins): years 1 to 50, or null for none.");
        retention.MapGet("/proposals", (CurrentUser user, RetentionRules rules, CancellationToken ct) => rules.ProposalsAsync(user, ct))
            .WithName("RetentionProposals").WithSummary("Contact persons past the retention rule: proposals for an erasure request (compliance, admins).");
        return app;
    }
}
