using System.Security.Claims;
using Crm.Engine.Identity;

namespace Crm.Engine.Common;

/// <summary>Who is asking: what every query filters by and every action checks.</summary>
public sealed record CurrentUser(Guid Id, string UserName, IReadOnlySet<string> Roles, IReadOnlySet<string> Groups)
{
    public bool IsAdmin => Roles.Contains(Identity.Roles.Admin);
    public bool IsProcessOwner => IsAdmin || Roles.Contains(Identity.Roles.ProcessOwner);

    public static CurrentUser From(ClaimsPrincipal principal) => new(
        principal.GetUserId(),
        principal.Identity?.Name ?? throw new InvalidOperationException("The request is not authenticated."),
        principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        principal.FindAll(CrmClaimTypes.Group).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
}
