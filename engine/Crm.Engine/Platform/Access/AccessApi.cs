using Crm.Platform.Identity;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Platform.Access;

/// <summary>/api/admin/access: the permission rules as data (admins).</summary>
public static class AccessApi
{
    public static RouteGroupBuilder MapAccessPolicyApi(this IEndpointRouteBuilder app)
    {
        var access = app.MapGroup("/api/admin/access").WithTags("Administration").RequireAuthorization(Policies.Admin);
        access.MapGet("/", (CurrentUser user, AccessAdministration admin, CancellationToken ct) => admin.GetAsync(user, ct))
            .WithName("GetAccessRules").WithSummary("Rights per role/group and object type, record rules, field rules, and the subjects and fields rules can name.");
        access.MapPut("/rights", async (SetRightsRequest request, CurrentUser user, AccessAdministration admin, CancellationToken ct) =>
        {
            await admin.SetRightsAsync(request, user, ct);
            return TypedResults.NoContent();
        }).WithName("SetAccessRights").WithSummary("Sets a subject's rights (read, create, edit, delete, export) on an object type; none removes them.");
        access.MapPost("/record-rules", async (RecordRuleRequest request, CurrentUser user, AccessAdministration admin, CancellationToken ct) =>
            TypedResults.Created($"/api/admin/access/record-rules", new { id = await admin.AddRecordRuleAsync(request, user, ct) }))
            .WithName("AddRecordRule").WithSummary("Opens counterparty records to a subject: all, owned, ownGroupRegions, or matching filter conditions (field:op:value).");
        access.MapDelete("/record-rules/{id:guid}", async (Guid id, CurrentUser user, AccessAdministration admin, CancellationToken ct) =>
        {
            await admin.RemoveRecordRuleAsync(id, user, ct);
            return TypedResults.NoContent();
        }).WithName("RemoveRecordRule");
        access.MapPut("/field-rules", async (FieldRuleRequest request, CurrentUser user, AccessAdministration admin, CancellationToken ct) =>
        {
            await admin.SetFieldRuleAsync(request, user, ct);
            return TypedResults.NoContent();
        }).WithName("SetFieldRule").WithSummary("Sets how far a subject may go with a field: hidden, read or write.");
        access.MapDelete("/field-rules/{id:guid}", async (Guid id, CurrentUser user, AccessAdministration admin, CancellationToken ct) =>
        {
            await admin.RemoveFieldRuleAsync(id, user, ct);
            return TypedResults.NoContent();
        }).WithName("RemoveFieldRule");
        return access;
    }
}
