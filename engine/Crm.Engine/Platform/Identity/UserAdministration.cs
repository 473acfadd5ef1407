using System.Security.Cryptography;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Platform.Identity;

/// <summary>What an admin changes on a user: name, mail, roles, groups and supervisor.</summary>
public sealed record UserUpdate(string DisplayName, string? Email, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, Guid? ManagerId);

/// <summary>One user as the admin page shows them.</summary>
public sealed record UserDetails(
    UserView User, Guid? ManagerId, string? ManagerName, bool MustChangePassword, DateTimeOffset? LockedUntil, int FailedSignIns,
    DateTimeOffset? LastSignInAt, IReadOnlyList<OpenTaskOfUser> OpenTasks);

public sealed record OpenTaskOfUser(Guid Id, string Name, string ProcessKey, string? BusinessKey, DateTimeOffset? DueAt);

/// <summary>The outcome of "hand all their tasks to someone else".</summary>
public sealed record Reassigned(int Count, string To);

/// <summary>
/// The user lifecycle an admin runs: edit, disable and enable, reset a password, unlock, and hand a leaver's open
/// tasks to someone else. Every change ends what it must at once: a disabled user's cookies and tokens stop
/// working on the next request (the security stamp changes, the token cache is cleared).
/// </summary>
public sealed class UserAdministration(CrmDbContext db, IPasswordHasher<User> hasher, TimeProvider clock, TokenCache tokens,
    UserDirectory directory, TaskService tasks, Microsoft.Extensions.Options.IOptions<Crm.Platform.Hosting.CrmOptions> options)
{
    public async Task<UserDetails> GetAsync(Guid id, CurrentUser admin, CancellationToken cancellationToken)
    {
        RequireAdmin(admin);
        var view = await directory.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"User {id} does not exist.");
        var row = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new { u.ManagerId, u.MustChangePassword, u.LockedUntil, u.FailedSignInCount, u.LastSignInAt })
            .SingleAsync(cancellationToken);
        var manager = row.ManagerId is { } managerId
            ? await db.Users.AsNoTracking().Where(u => u.Id == managerId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken)
            : null;
        var open = await db.Set<UserTask>().AsNoTracking()
            .Where(t => t.Status == TaskStatus.Open && t.Assignee == view.UserName)
            .OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenBy(t => t.CreatedAt)
            .Select(t => new OpenTaskOfUser(t.Id, t.Name, t.ProcessKey, t.BusinessKey, t.DueAt))
            .Take(500)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return new UserDetails(view, row.ManagerId, manager, row.MustChangePassword, row.LockedUntil > now ? row.LockedUntil : null,
            row.FailedSignInCount, row.LastSignInAt, open);
    }

    public async Task<UserDetails> UpdateAsync(Guid id, UserUpdate input, CurrentUser admin, CancellationToken cancellationToken)
    {
        RequireAdmin(admin);
        var user = await db.Users.Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group)
            .SingleOrDefaultAsync(u => u.Id == id, cancellationToken) ?? throw new NotFoundException($"User {id} does not exist.");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.DisplayName) || input.DisplayName.Trim().Length > 200)
        {
            errors["displayName"] = ["A display name of at most 200 characters is required."];
        }

        var email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim();
        if (email is not null && (email.Length > 320 || !email.Contains('@', StringComparison.Ordinal)))
        {
            errors["email"] = ["This is not an e-mail address."];
        }

        var roles = (input.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Where(r => !Roles.IsKnown(r)).ToList() is { Count: > 0 } unknownRoles)
        {
            errors["roles"] = [$"Unknown role(s): {string.Join(", ", unknownRoles)}. Known: {string.Join(", ", Roles.All)}."];
        }

        var groupNames = (input.Groups ?? []).Distinct(StringComparer.Ordinal).ToList();
        var groups = await db.Groups.AsNoTracking().Where(g => groupNames.Contains(g.Name)).ToListAsync(cancellationToken);
        if (groupNames.Except(groups.Select(g => g.Name)).ToList() is { Count: > 0 } unknownGroups)
        {
            errors["groups"] = [$"Unknown group(s): {string.Join(", ", unknownGroups)}."];
        }

        if (input.ManagerId is { } managerId && managerId != user.ManagerId && await ManagerProblemAsync(id, managerId, cancellationToken) is { } problem)
        {
            errors["managerId"] = [problem];
        }

        var removesAdmin = user.IsActive && user.Roles.Any(r => r.Role == Roles.Admin) && !roles.Contains(Roles.Admin);
        if (removesAdmin && !await AnotherActiveAdminAsync(id, cancellationToken))
        {
            errors["roles"] = [LastAdmin];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        user.DisplayName = input.DisplayName!.Trim();
        user.Email = email;
        user.ManagerId = input.ManagerId;
        user.Roles.RemoveAll(r => !roles.Contains(r.Role));
        user.Roles.AddRange(roles.Where(r => user.Roles.All(x => x.Role != r)).Select(r => new UserRole { Role = r }));
        var current = user.Groups.Select(m => m.Group!.Name).ToList();
        if (removesAdmin)
        {
            await SaveRemovingAnAdminAsync(id, () => ValidationFailedException.For("roles", LastAdmin), cancellationToken);
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        // Memberships go through the directory: joining a group starts what it implies (e.g. mandatory readings).
        foreach (var joined in groups.Where(g => !current.Contains(g.Name)))
        {
            await directory.AddMemberAsync(joined.Id, id, cancellationToken);
        }

        foreach (var left in user.Groups.Where(m => !groupNames.Contains(m.Group!.Name)).Select(m => m.GroupId).ToList())
        {
            await directory.RemoveMemberAsync(left, id, cancellationToken);
        }

        tokens.Clear();
        return await GetAsync(id, admin, cancellationToken);
    }

    /// <summary>Disabled: sign-in refused, every session and token ends now; open tasks stay for <see cref="ReassignOpenTasksAsync"/>.</summary>
    public async Task<UserDetails> SetActiveAsync(Guid id, bool active, CurrentUser admin, CancellationToken cancellationToken)
    {
        RequireAdmin(admin);
        var user = await db.Users.Include(u => u.Roles).SingleOrDefaultAsync(u => u.Id == id, cancellationToken)
            ?? throw new NotFoundException($"User {id} does not exist.");
        if (!active && id == admin.Id)
        {
            throw new ConflictException("You cannot disable your own account.");
        }

        if (!active && user.Roles.Any(r => r.Role == Roles.Admin) && !await AnotherActiveAdminAsync(id, cancellationToken))
        {
            throw new ConflictException("This is the last active administrator.");
        }

        if (user.IsActive != active)
        {
            user.IsActive = active;
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            if (!active)
            {
                await RevokeTokensAsync(id, includeNamed: true, cancellationToken);   // enabling again does not bring them back
            }

            if (!active && user.Roles.Any(r => r.Role == Roles.Admin))
            {
                await SaveRemovingAnAdminAsync(id, () => new ConflictException("This is the last active administrator."), cancellationToken);
            }
            else
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            tokens.Clear();
        }

        return await GetAsync(id, admin, cancellationToken);
    }

    /// <summary>A temporary password, shown once to the admin; the user must choose their own at the next sign-in.</summary>
    public async Task<string> ResetPasswordAsync(Guid id, CurrentUser admin, CancellationToken cancellationToken)
    {
        RequireAdmin(admin);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken) ?? throw new NotFoundException($"User {id} does not exist.");
        var temporary = TemporaryPassword();
        user.PasswordHash = hasher.HashPassword(user, temporary);
        user.MustChangePassword = true;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.FailedSignInCount = 0;
        user.LockedUntil = null;
        await RevokeTokensAsync(id, includeNamed: true, cancellationToken);   // a reset answers a compromised account: nothing issued before survives
        await db.SaveChangesAsync(cancellationToken);
        tokens.Clear();
        return temporary;
    }

    public async Task<UserDetails> UnlockAsync(Guid id, CurrentUser admin, CancellationToken cancellationToken)
    {
        RequireAdmin(admin);
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignInCount, 0), cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken) ?? throw new NotFoundException($"User {id} does not exist.");
        if (user.LockedUntil is not null)
        {
            user.LockedUntil = null;   // audited as an unlock
            await db.SaveChangesAsync(cancellationToken);
        }

        return await GetAsync(id, admin, cancellationToken);
    }

    /// <summary>Hands every open task assigned to the user to <paramref name="toUserName"/>, each in its own step.</summary>
    public async Task<Reassigned> ReassignOpenTasksAsync(Guid id, string toUserName, CurrentUser admin, CancellationToken cancellationToken)
    {
        RequireAdmin(admin);
        var from = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.UserName).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"User {id} does not exist.");
        if (string.Equals(from, toUserName?.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw ValidationFailedException.For("userName", "Choose someone else.");
        }

        var open = await db.Set<UserTask>().AsNoTracking().Where(t => t.Status == TaskStatus.Open && t.Assignee == from)
            .Select(t => t.Id).ToListAsync(cancellationToken);
        string to = toUserName!.Trim();
        foreach (var taskId in open)
        {
            to = (await tasks.ReassignAsync(taskId, toUserName!, admin, cancellationToken)).Assignee ?? to;
        }

        return new Reassigned(open.Count, to);
    }

    /// <summary>Every user changes their own password: the current one is required, every other session ends.</summary>
    public async Task ChangeOwnPasswordAsync(Guid userId, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.IsActive, cancellationToken)
            ?? throw new NotFoundException("Your account is not active.");
        var now = clock.GetUtcNow();
        if (user.LockedUntil > now)
        {
            throw new ConflictException("Too many wrong passwords: the account is locked for a while.");
        }

        if (hasher.VerifyHashedPassword(user, user.PasswordHash, currentPassword ?? "") == PasswordVerificationResult.Failed)
        {
            // Counted like a failed sign-in, so a stolen session cannot try passwords without end.
            db.Entry(user).State = EntityState.Detached;
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignInCount, x => x.FailedSignInCount + 1), cancellationToken);
            var failures = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.FailedSignInCount).SingleAsync(cancellationToken);
            if (SignInService.LockFor(failures, options.Value.SignIn) is { } lockFor)
            {
                var until = now + lockFor;
                await db.Users.Where(u => u.Id == userId && (u.LockedUntil == null || u.LockedUntil < until))
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockedUntil, until), cancellationToken);
            }

            throw ValidationFailedException.For("currentPassword", "The current password is not right.");
        }

        if ((newPassword?.Length ?? 0) < UserDirectory.MinPasswordLength)
        {
            throw ValidationFailedException.For("newPassword", $"The password needs at least {UserDirectory.MinPasswordLength} characters.");
        }

        if (newPassword == currentPassword)
        {
            throw ValidationFailedException.For("newPassword", "Choose a password different from the current one.");
        }

        user.PasswordHash = hasher.HashPassword(user, newPassword!);
        user.MustChangePassword = false;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.FailedSignInCount = 0;
        // Sign-in tokens end with the old password; named script tokens stay, listed in the settings.
        await RevokeTokensAsync(userId, includeNamed: false, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        tokens.Clear();
    }

    private async Task RevokeTokensAsync(Guid userId, bool includeNamed, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var token in await db.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null && (includeNamed || t.Kind == ApiTokenKind.Session)).ToListAsync(cancellationToken))
        {
            token.RevokedAt = now;
        }
    }

    private async Task<string?> ManagerProblemAsync(Guid userId, Guid managerId, CancellationToken cancellationToken)
    {
        if (managerId == userId)
        {
            return "A user cannot be their own supervisor.";
        }

        // Walk up from the new supervisor: meeting the user again would make escalations go round in a circle.
        var seen = new HashSet<Guid>();
        Guid? next = managerId;
        while (next is { } current && seen.Add(current))
        {
            var row = await db.Users.AsNoTracking().Where(u => u.Id == current).Select(u => new { u.ManagerId, u.IsActive }).SingleOrDefaultAsync(cancellationToken);
            if (row is null)
            {
                return current == managerId ? "The supervisor does not exist." : null;
            }

            if (current == managerId && !row.IsActive)
            {
                return "The supervisor's account is disabled.";
            }

            if (row.ManagerId == userId)
            {
                return "The supervisor reports (directly or not) to this user; that would make a circle.";
            }

            next = row.ManagerId;
        }

        return null;
    }

    private const string LastAdmin = "This is the last active administrator; give another user the admin role first.";
    private const long LastAdminLock = 0x4352_4D41_444D_494E;   // "CRMADMIN"

    /// <summary>
    /// Demoting or disabling an admin checks again, under a lock and in the save's own transaction, that another active
    /// admin remains: two admins removing each other at the same instant leave one, not none.
    /// </summary>
    private Task<int> SaveRemovingAnAdminAsync(Guid id, Func<Exception> lastOne, CancellationToken cancellationToken) =>
        db.SerializedAsync(LastAdminLock, async () =>
        {
            if (!await AnotherActiveAdminAsync(id, cancellationToken))
            {
                throw lastOne();
            }

            return await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);

    private Task<bool> AnotherActiveAdminAsync(Guid exceptId, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.Id != exceptId && u.IsActive && u.Roles.Any(r => r.Role == Roles.Admin), cancellationToken);

    private static void RequireAdmin(CurrentUser user)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only an administrator manages users.");
        }
    }

    // Readable to dictate on the phone: no 0/O or 1/l; 12 characters from 55 is about 69 bits.
    private static string TemporaryPassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 12);
    }
}
