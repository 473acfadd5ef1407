using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Identity;

/// <summary>A user joined a group (names, as tasks and readings address them).</summary>
public sealed record GroupMemberAdded(string GroupName, string UserName) : IDomainEvent;

/// <summary>The engine's question "who may receive a delegated task", answered from the user table.</summary>
public sealed class TaskUserDirectory(CrmDbContext db) : ITaskUserDirectory
{
    public Task<string?> FindActiveUserAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = userName.Trim().ToUpperInvariant();
        return db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized && u.IsActive).Select(u => u.UserName).SingleOrDefaultAsync(cancellationToken);
    }
}
