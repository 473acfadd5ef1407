using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record AccessPreviewView(string UserName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Rights, IReadOnlyList<string> RecordRules,
    int Counterparties, int Persons, int Cases, IReadOnlyList<string> FirstCounterparties, IReadOnlyDictionary<string, string> CounterpartyFields);

/// <summary>"See as user": what someone else sees, computed with their roles and groups by the same policy (read-only).</summary>
public sealed class AccessPreview(CrmDbContext db, CounterpartyAccess recordAccess, CounterpartyService counterparties, IAccessFieldCatalogue catalogue)
{
    public async Task<AccessPreviewView> PreviewAsync(string userName, CurrentUser admin, CancellationToken cancellationToken)
    {
        if (!admin.IsAdmin)
        {
            throw new ForbiddenException("Only administrators look through someone else's eyes.");
        }

        var who = await db.Users.AsNoTracking().Where(u => u.UserName == userName).Select(u => new { u.Id, u.UserName }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"There is no user '{userName}'.");
        var roles = await db.UserRoles.AsNoTracking().Where(r => r.UserId == who.Id).Select(r => r.Role).ToListAsync(cancellationToken);
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == who.Id).Select(m => m.Group!.Name).ToListAsync(cancellationToken);
        var user = new CurrentUser(who.Id, who.UserName, roles.ToHashSet(StringComparer.Ordinal), groups.ToHashSet(StringComparer.Ordinal));
        var rights = AccessObjects.All.ToDictionary(t => t, t => (IReadOnlyList<string>)[.. Enum.GetValues<AccessRights>()
            .Where(r => r is not (AccessRights.None or AccessRights.All) && recordAccess.Can(user, t, r)).Select(r => r.ToString().ToLowerInvariant())], StringComparer.Ordinal);
        var first = await counterparties.ListAsync(null, null, 1, 10, user, cancellationToken);
        var gate = recordAccess.Fields(user);
        var fields = (await catalogue.FieldsAsync(cancellationToken))[AccessObjects.Counterparty]
            .ToDictionary(f => f.Label, f => gate.Level(f.Key, f.Sensitive).ToString().ToLowerInvariant(), StringComparer.Ordinal);
        return new AccessPreviewView(who.UserName, roles, groups, rights, recordAccess.Describe(user),
            first.Total,
            await PersonAccess.Visible(db, recordAccess, user).CountAsync(cancellationToken),
            await CaseAccess.Visible(db, recordAccess, user).CountAsync(cancellationToken),
            [.. first.Items.Select(i => i.Name)], fields);
    }
}

internal static class AccessPreviewApi
{
    public static void MapAccessPreviewApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/admin/access/preview/{userName}", (string userName, CurrentUser user, AccessPreview preview, CancellationToken ct) => preview.PreviewAsync(userName, user, ct))
            .WithTags("Administration").RequireAuthorization(Crm.Platform.Identity.Policies.Admin)
            .WithName("PreviewAccess").WithSummary("See as user: their rights, record rules, counts and first counterparties, field levels (read-only).");
}
