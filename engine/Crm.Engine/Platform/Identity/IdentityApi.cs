using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Platform.Identity;

public sealed record TokenRequest(string UserName, string Password);

public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

public sealed record CreateApiTokenRequest([property: Required, MaxLength(100)] string Name, int? ExpiresInDays);

public sealed record MeResponse(Guid Id, string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);

/// <summary>The identity HTTP API: sign-in tokens, the current user, the user/group directory and API tokens.</summary>
public static class IdentityApi
{
    public const string SignInRateLimitPolicy = "sign-in";

    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Authentication");
        auth.MapPost("/token", IssueTokenAsync)
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimitPolicy)
            .WithName("IssueToken")
            .WithSummary("Exchanges user name and password for a bearer token.");

        var users = app.MapGroup("/api/users").WithTags("Users");
        users.MapGet("/me", GetMeAsync).WithName("GetMe").WithSummary("The signed-in user with roles and groups.");
        users.MapGet("/", async (UserDirectory directory, CancellationToken ct) => TypedResults.Ok(await directory.ListUsersAsync(ct)))
            .RequireAuthorization(Policies.Admin).WithName("ListUsers").WithSummary("All users (admins).");
        users.MapPost("/", CreateUserAsync)
            .RequireAuthorization(Policies.Admin).WithName("CreateUser").WithSummary("Creates a user (admins).");
        users.MapUserAdministrationApi();

        var groups = app.MapGroup("/api/groups").WithTags("Groups").RequireAuthorization(Policies.Admin);
        groups.MapGet("/", async (UserDirectory directory, CancellationToken ct) => TypedResults.Ok(await directory.ListGroupsAsync(ct)))
            .WithName("ListGroups").WithSummary("All groups with member counts (admins).");
        groups.MapPost("/", async (NewGroup input, UserDirectory directory, CancellationToken ct) =>
            {
                var group = await directory.CreateGroupAsync(input, ct);
                return TypedResults.Created($"/api/groups/{group.Id}", group);
            })
            .WithName("CreateGroup").WithSummary("Creates a group (admins).");
        groups.MapGet("/{groupId:guid}/members", async (Guid groupId, UserDirectory directory, CancellationToken ct) =>
                TypedResults.Ok(await directory.ListMembersAsync(groupId, ct)))
            .WithName("ListGroupMembers");
        groups.MapPut("/{groupId:guid}/members/{userId:guid}", async (Guid groupId, Guid userId, UserDirectory directory, CancellationToken ct) =>
            {
                await directory.AddMemberAsync(groupId, userId, ct);
                return TypedResults.NoContent();
            })
            .WithName("AddGroupMember").WithSummary("Adds a user to a group (idempotent).");
        groups.MapDelete("/{groupId:guid}/members/{userId:guid}", async (Guid groupId, Guid userId, UserDirectory directory, CancellationToken ct) =>
            {
                await directory.RemoveMemberAsync(groupId, userId, ct);
                return TypedResults.NoContent();
            })
            .WithName("RemoveGroupMember");

        var tokens = app.MapGroup("/api/tokens").WithTags("API tokens");
        tokens.MapGet("/", async (ClaimsPrincipal user, TokenService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListNamedTokensAsync(user.GetUserId(), ct)))
            .WithName("ListApiTokens").WithSummary("The caller's active named API tokens (never the secret).");
        tokens.MapPost("/", CreateApiTokenAsync)
            .WithName("CreateApiToken").WithSummary("Creates a named long-lived token; the secret is shown only in this response.");
        tokens.MapDelete("/{tokenId:guid}", async Task<Results<NoContent, NotFound>> (Guid tokenId, ClaimsPrincipal user, TokenService service, CancellationToken ct) =>
                await service.RevokeAsync(user.GetUserId(), tokenId, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RevokeApiToken");
        return app;
    }

    public static Guid GetUserId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not authenticated."));

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, SignInService signIn, TokenService tokens, HttpContext http, CancellationToken ct)
    {
        var result = await signIn.PasswordSignInAsync(request.UserName ?? "", request.Password ?? "", ct);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                var issued = await tokens.IssueSessionTokenAsync(result.User!.Id, ct);
                return TypedResults.Ok(new TokenResponse(issued.Token, issued.ExpiresAt!.Value));
            case SignInOutcome.LockedOut:
                var retryAfter = Math.Max(1, (int)Math.Ceiling((result.LockedUntil!.Value - DateTimeOffset.UtcNow).TotalSeconds));
                http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    title: "Account temporarily locked",
                    detail: $"Too many failed sign-ins. Try again after {result.LockedUntil:u}.",
                    statusCode: StatusCodes.Status429TooManyRequests);
            default:
                return TypedResults.Problem(
                    title: "Sign-in failed",
                    detail: "The user name or password is not correct.",
                    statusCode: StatusCodes.Status401Unauthorized);
        }
    }

    private static async Task<Results<Ok<MeResponse>, NotFound>> GetMeAsync(ClaimsPrincipal user, UserDirectory directory, CancellationToken ct)
    {
        var me = await directory.FindAsync(user.GetUserId(), ct);
        return me is null ? TypedResults.NotFound() : TypedResults.Ok(new MeResponse(me.Id, me.UserName, me.DisplayName, me.Roles, me.Groups));
    }

    private static async Task<Created<UserView>> CreateUserAsync(NewUser input, UserDirectory directory, CancellationToken ct)
    {
        var user = await directory.CreateUserAsync(input with { IsDemo = false }, ct);
        return TypedResults.Created($"/api/users/{user.Id}", user);
    }

    private static async Task<Created<IssuedToken>> CreateApiTokenAsync(
        CreateApiTokenRequest request, ClaimsPrincipal user, TokenService service, TimeProvider clock,
        Microsoft.Extensions.Options.IOptions<Crm.Platform.Hosting.CrmOptions> options, CancellationToken ct)
    {
        var maxDays = (int)options.Value.SignIn.MaxApiTokenLifetime.TotalDays;
        if (request.ExpiresInDays > maxDays)
        {
            throw ValidationFailedException.For("expiresInDays", $"A token lives at most {maxDays} days (set by the administrator).");
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            throw ValidationFailedException.For("name", "Give the token a name of 1–100 characters.");
        }

        if (request.ExpiresInDays is < 1 or > 3650)
        {
            throw ValidationFailedException.For("expiresInDays", "Use 1–3650 days (at most the lifetime the administrator allows), or leave empty for the longest allowed.");
        }

        DateTimeOffset? expires = request.ExpiresInDays is { } days ? clock.GetUtcNow().AddDays(days) : null;
        var issued = await service.CreateNamedTokenAsync(user.GetUserId(), request.Name.Trim(), expires, ct);
        return TypedResults.Created($"/api/tokens/{issued.Id}", issued);
    }
}
