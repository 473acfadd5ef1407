using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Crm.Workflow.Common;

/// <summary>Who is asking: what every query filters by and every action checks.</summary>
public sealed record CurrentUser(Guid Id, string UserName, IReadOnlySet<string> Roles, IReadOnlySet<string> Groups)
{
    public bool IsAdmin => Roles.Contains(Common.Roles.Admin);
    public bool IsProcessOwner => IsAdmin || Roles.Contains(Common.Roles.ProcessOwner);

    public static CurrentUser From(ClaimsPrincipal principal) => new(
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not authenticated.")),
        principal.Identity?.Name ?? throw new InvalidOperationException("The request is not authenticated."),
        principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        principal.FindAll(CrmClaimTypes.Group).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));

    /// <summary>Lets an endpoint take <c>CurrentUser user</c> as a parameter (minimal APIs call this to bind it).</summary>
    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<CurrentUser?>(From(context.User));
}
