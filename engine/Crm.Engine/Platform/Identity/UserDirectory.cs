using System.Globalization;
using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.AspNetCore.Identity;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Identity;

public sealed record UserView(Guid Id, string UserName, string DisplayName, string? Email, bool IsActive, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);

public sealed record GroupView(Guid Id, string Name, string DisplayName, int MemberCount);

public sealed record NewUser(string UserName, string DisplayName, string? Email, string Password, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Groups = null, bool IsDemo = false);

public sealed record NewGroup(string Name, string DisplayName);

/// <summary>What a signed-in user's principal carries; read in one query per request.</summary>
public sealed record UserClaims(Guid Id, string UserName, string DisplayName, string SecurityStamp, bool IsDemo, List<string> Roles, List<string> Groups)
{
    public bool MustChangePassword { get; init; }

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, Id.ToString()),
            new(ClaimTypes.Name, UserName),
            new(CrmClaimTypes.DisplayName, DisplayName),
            new(CrmClaimTypes.SecurityStamp, SecurityStamp),
        };
        claims.AddRange(Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(Groups.Select(g => new Claim(CrmClaimTypes.Group, g)));
        if (IsDemo)
        {
            claims.Add(new Claim(CrmClaimTypes.Demo, "true"));
        }

        if (MustChangePassword)
        {
            claims.Add(new Claim(CrmClaimTypes.MustChangePassword, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }
}

/// <summary>Users, groups and memberships: the directory that task assignment and permissions read.</summary>
public sealed class UserDirectory(CrmDbContext db, IPasswordHasher<User> hasher, TimeProvider clock, TokenCache tokens, ProcessEngine engine)
{
    public const int MinPasswordLength = 8;

    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();

    public async Task<UserView?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var user = await LoadAsync(db.Users.Where(u => u.Id == id), cancellationToken);
        return user.Count == 0 ? null : user[0];
    }

    /// <summary>
    /// An active user as the product acts for them outside a request (the one who completed a process step):
    /// their roles and groups as stored now. Null for an unknown or deactivated user.
    /// </summary>
    public async Task<CurrentUser?> CurrentUserAsync(string userName, CancellationToken cancellationToken = default)
    {
        var who = await db.Users.AsNoTracking().Where(u => u.UserName == userName && u.IsActive).Select(u => new { u.Id, u.UserName }).SingleOrDefaultAsync(cancellationToken);
        if (who is null)
        {
            return null;
        }

        var roles = await db.UserRoles.AsNoTracking().Where(r => r.UserId == who.Id).Select(r => r.Role).ToListAsync(cancellationToken);
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == who.Id).Select(m => m.Group!.Name).ToListAsync(cancellationToken);
        return new CurrentUser(who.Id, who.UserName, roles.ToHashSet(StringComparer.Ordinal), groups.ToHashSet(StringComparer.Ordinal));
    }

    public Task<List<UserView>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        LoadAsync(db.Users, cancellationToken);

    public async Task<UserView> CreateUserAsync(NewUser input, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var userName = input.UserName?.Trim() ?? "";
        if (userName.Length is < 2 or > 100 || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            errors["userName"] = ["Use 2–100 letters, digits, '.', '-', '_' or '@'."];
        }

        if (string.IsNullOrWhiteSpace(input.DisplayName))
        {
            errors["displayName"] = ["A display name is required."];
        }

        if ((input.Password?.Length ?? 0) < MinPasswordLength)
        {
            errors["password"] = [$"The password needs at least {MinPasswordLength} characters."];
        }

        var roles = (input.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        var unknown = roles.Where(r => !Roles.IsKnown(r)).ToList();
        if (unknown.Count > 0)
        {
            errors["roles"] = [$"Unknown role(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Roles.All)}."];
        }

        var groupNames = (input.Groups ?? []).Distinct(StringComparer.Ordinal).ToList();
        var groups = await db.Groups.Where(g => groupNames.Contains(g.Name)).ToListAsync(cancellationToken);
        var missing = groupNames.Except(groups.Select(g => g.Name)).ToList();
        if (missing.Count > 0)
        {
            errors["groups"] = [$"Unknown group(s): {string.Join(", ", missing)}."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var normalized = Normalize(userName);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, cancellationToken))
        {
            throw new ConflictException($"A user named '{userName}' already exists.");
        }

        var user = new User
        {
            UserName = userName,
            NormalizedUserName = normalized,
            DisplayName = input.DisplayName!.Trim(),
            Email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim(),
            CreatedAt = clock.GetUtcNow(),
            IsDemo = input.IsDemo,
            Roles = [.. roles.Select(r => new UserRole { Role = r })],
        };
        user.PasswordHash = hasher.HashPassword(user, input.Password!);
        user.Groups = [.. groups.Select(g => new GroupMember { GroupId = g.Id })];
        db.Users.Add(user);
        await SaveUniqueAsync($"A user named '{userName}' already exists.", cancellationToken);
        return (await FindAsync(user.Id, cancellationToken))!;
    }

    public async Task<List<GroupView>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        var groups = await db.Groups.AsNoTracking()
            .Select(g => new GroupView(g.Id, g.Name, g.DisplayName, g.Members.Count))
            .ToListAsync(cancellationToken);
        return [.. groups.OrderBy(g => g.DisplayName, StringComparer.CurrentCulture)];
    }

    public async Task<GroupView> CreateGroupAsync(NewGroup input, CancellationToken cancellationToken = default)
    {
        var name = input.Name?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (name.Length is < 2 or > 100 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
        {
            errors["name"] = ["Use 2–100 lower-case letters, digits, '-' or '_' (the name is used in process definitions)."];
        }

        if (string.IsNullOrWhiteSpace(input.DisplayName))
        {
            errors["displayName"] = ["A display name is required."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (await db.Groups.AnyAsync(g => g.Name == name, cancellationToken))
        {
            throw new ConflictException($"A group named '{name}' already exists.");
        }

        var group = new Group { Name = name, DisplayName = input.DisplayName.Trim(), CreatedAt = clock.GetUtcNow() };
        db.Groups.Add(group);
        await SaveUniqueAsync($"A group named '{name}' already exists.", cancellationToken);
        return new GroupView(group.Id, group.Name, group.DisplayName, 0);
    }

    public async Task<List<UserView>> ListMembersAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        await RequireGroupAsync(groupId, cancellationToken);
        return await LoadAsync(db.Users.Where(u => u.Groups.Any(m => m.GroupId == groupId)), cancellationToken);
    }

    /// <summary>Adds a member; adding an existing member is a no-op (PUT semantics).</summary>
    public async Task AddMemberAsync(Guid groupId, Guid userId, CancellationToken cancellationToken = default)
    {
        await RequireGroupAsync(groupId, cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            throw new NotFoundException($"User {userId} does not exist.");
        }

        var group = await db.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Name).SingleAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.UserName).SingleAsync(cancellationToken);
        try
        {
            // One commit: the membership and what it implies for other modules (e.g. the knowledge module starts
            // the group's active mandatory readings for the newcomer); a failure there keeps the user out.
            await engine.ExecuteAsync(async unit =>
            {
                if (await db.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.UserId == userId, cancellationToken))
                {
                    return false;   // already a member (perhaps by a request that ran at the same moment)
                }

                db.GroupMembers.Add(new GroupMember { GroupId = groupId, UserId = userId });
                unit.Raise(new GroupMemberAdded(group, user));
                return true;
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictException("The user is already a member.");
        }

        tokens.Clear();
    }

    public async Task RemoveMemberAsync(Guid groupId, Guid userId, CancellationToken cancellationToken = default)
    {
        await RequireGroupAsync(groupId, cancellationToken);
        var member = await db.GroupMembers.SingleOrDefaultAsync(m => m.GroupId == groupId && m.UserId == userId, cancellationToken)
            ?? throw new NotFoundException($"User {userId} is not a member of group {groupId}.");
        db.GroupMembers.Remove(member);
        await db.SaveChangesAsync(cancellationToken);
        tokens.Clear();
    }

    /// <summary>Builds the claims of an active user, fresh from the database; null when the user is gone or disabled.</summary>
    public async Task<ClaimsPrincipal?> CreatePrincipalAsync(Guid userId, string authenticationType, CancellationToken cancellationToken = default)
    {
        var claims = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && u.IsActive)
            .Select(u => new UserClaims(u.Id, u.UserName, u.DisplayName, u.SecurityStamp, u.IsDemo,
                u.Roles.Select(r => r.Role).ToList(), u.Groups.Select(g => g.Group!.Name).ToList()) { MustChangePassword = u.MustChangePassword })
            .SingleOrDefaultAsync(cancellationToken);
        return claims?.ToPrincipal(authenticationType);
    }

    public async Task SetPasswordAsync(Guid userId, string password, CancellationToken cancellationToken = default)
    {
        if (password.Length < MinPasswordLength)
        {
            throw ValidationFailedException.For("password", $"The password needs at least {MinPasswordLength} characters.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken)
            ?? throw new NotFoundException($"User {userId} does not exist.");
        user.PasswordHash = hasher.HashPassword(user, password);
        user.SecurityStamp = NewStamp();
        await db.SaveChangesAsync(cancellationToken);
        tokens.Clear();
    }

    private static string NewStamp() => Guid.NewGuid().ToString("N");

    private async Task RequireGroupAsync(Guid groupId, CancellationToken cancellationToken)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            throw new NotFoundException($"Group {groupId} does not exist.");
        }
    }

    private static async Task<List<UserView>> LoadAsync(IQueryable<User> query, CancellationToken cancellationToken)
    {
        var users = await query.AsNoTracking().AsSplitQuery()
            .Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group)
            .ToListAsync(cancellationToken);
        return [.. users
            .OrderBy(u => u.DisplayName, StringComparer.Create(CultureInfo.CurrentCulture, ignoreCase: true))
            .Select(u => new UserView(
                u.Id, u.UserName, u.DisplayName, u.Email, u.IsActive,
                [.. u.Roles.Select(r => r.Role).Order(StringComparer.Ordinal)],
                [.. u.Groups.Select(m => m.Group!.Name).Order(StringComparer.Ordinal)]))];
    }

    // Two admins creating the same name at once: the unique index decides, the loser gets a 409.
    private async Task SaveUniqueAsync(string conflictMessage, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictException(conflictMessage);
        }
    }
}
