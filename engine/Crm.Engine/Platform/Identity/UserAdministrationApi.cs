using System.Security.Claims;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Platform.Identity;

public sealed record ReassignTasksRequest(string UserName);

public sealed record TemporaryPasswordResponse(string TemporaryPassword);

public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

/// <summary>The user lifecycle over HTTP: admins edit, disable, reset and unlock users; everyone changes their own password.</summary>
internal static class UserAdministrationApi
{
    public static void MapUserAdministrationApi(this RouteGroupBuilder users)
    {
        users.MapPost("/me/password", async (ChangePasswordRequest request, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
            {
                await admin.ChangeOwnPasswordAsync(user.GetUserId(), request.CurrentPassword, request.NewPassword, ct);
                return TypedResults.NoContent();
            })
            .WithName("ChangeOwnPassword").WithSummary("Changes the caller's password (current one required); other sessions and session tokens end.");

        var byId = users.MapGroup("/{userId:guid}").RequireAuthorization(Policies.Admin);
        byId.MapGet("/", (Guid userId, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
                admin.GetAsync(userId, CurrentUser.From(user), ct))
            .WithName("GetUser").WithSummary("A user with supervisor, lock state and open tasks (admins).");
        byId.MapPut("/", (Guid userId, UserUpdate input, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
                admin.UpdateAsync(userId, input, CurrentUser.From(user), ct))
            .WithName("UpdateUser").WithSummary("Edits name, e-mail, roles, groups and supervisor (admins).");
        byId.MapPost("/disable", (Guid userId, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
                admin.SetActiveAsync(userId, false, CurrentUser.From(user), ct))
            .WithName("DisableUser").WithSummary("Refuses sign-in and ends every session and token at once; open tasks stay listed for reassignment.");
        byId.MapPost("/enable", (Guid userId, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
                admin.SetActiveAsync(userId, true, CurrentUser.From(user), ct))
            .WithName("EnableUser");
        byId.MapPost("/reset-password", async (Guid userId, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
                TypedResults.Ok(new TemporaryPasswordResponse(await admin.ResetPasswordAsync(userId, CurrentUser.From(user), ct))))
            .WithName("ResetPassword").WithSummary("A temporary password, shown once; the user chooses their own at the next sign-in.");
        byId.MapPost("/unlock", (Guid userId, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
                admin.UnlockAsync(userId, CurrentUser.From(user), ct))
            .WithName("UnlockUser");
        byId.MapPost("/reassign-tasks", (Guid userId, ReassignTasksRequest request, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
                admin.ReassignOpenTasksAsync(userId, request.UserName, CurrentUser.From(user), ct))
            .WithName("ReassignUserTasks").WithSummary("Hands every open task assigned to the user to another active user.");
    }
}
