using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Identity;

/// <summary>Who leads a group: the recipient of escalations about the group's work (deadlines, SLA breaches).</summary>
public static class GroupLeads
{
    /// <summary>The user name of the group's active lead, or null when the group has none.</summary>
    public static Task<string?> OfAsync(CrmDbContext db, string group, CancellationToken cancellationToken) =>
        db.Groups.Where(g => g.Name == group && g.LeadUserId != null)
            .Select(g => db.Users.Where(u => u.Id == g.LeadUserId && u.IsActive).Select(u => u.UserName).FirstOrDefault())
            .FirstOrDefaultAsync(cancellationToken);
}
