using Crm.Workflow.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Crm.Platform.Hosting;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Identity;

/// <summary>Creates the first admin and, when asked, the demo users and groups from samples/demo/identity.json.</summary>
public sealed class IdentitySeeder(CrmDbContext db, UserDirectory directory, IOptions<CrmOptions> options, ILogger<IdentitySeeder> logger)
{
    public const string AdminUserName = "admin";

    /// <summary>Ensures the admin exists; returns the generated password when one was generated (to print once).</summary>
    public async Task<string?> EnsureAdminAsync(CancellationToken cancellationToken = default)
    {
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == UserDirectory.Normalize(AdminUserName), cancellationToken))
        {
            return null;
        }

        var configured = options.Value.Admin.InitialPassword;
        var password = string.IsNullOrEmpty(configured)
            ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y')
            : configured;
        var admin = await directory.CreateUserAsync(new NewUser(AdminUserName, "Administrator", null, password, [Roles.Admin]), cancellationToken);
        if (string.IsNullOrEmpty(configured))
        {
            // A password printed in a log is not a secret: the first sign-in replaces it.
            await db.Users.Where(u => u.Id == admin.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.MustChangePassword, true), cancellationToken);
        }

        logger.LogInformation("Created the first user 'admin'");
        return string.IsNullOrEmpty(configured) ? password : null;
    }

    /// <summary>Loads demo groups and users that do not exist yet (idempotent, so every start may call it).</summary>
    public async Task<DemoIdentity?> LoadDemoAsync(string file, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(file);
        var demo = await JsonSerializer.DeserializeAsync<DemoIdentity>(stream, JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidDataException($"{file} is empty.");

        var existingGroups = await db.Groups.Select(g => g.Name).ToListAsync(cancellationToken);
        foreach (var group in demo.Groups.Where(g => !existingGroups.Contains(g.Name)))
        {
            await directory.CreateGroupAsync(new NewGroup(group.Name, group.DisplayName), cancellationToken);
        }

        var existingUsers = await db.Users.Select(u => u.NormalizedUserName).ToListAsync(cancellationToken);
        foreach (var user in demo.Users.Where(u => !existingUsers.Contains(UserDirectory.Normalize(u.UserName))))
        {
            await directory.CreateUserAsync(
                new NewUser(user.UserName, user.DisplayName, user.Email, demo.Password, user.Roles, user.Groups, IsDemo: true),
                cancellationToken);
        }

        // Supervisors and group leads refer to users by name, so they are linked after everyone exists.
        var byName = await db.Users.ToDictionaryAsync(u => u.NormalizedUserName, cancellationToken);
        foreach (var user in demo.Users.Where(u => u.Manager is not null))
        {
            byName[UserDirectory.Normalize(user.UserName)].ManagerId = byName.GetValueOrDefault(UserDirectory.Normalize(user.Manager!))?.Id;
        }

        var groups = await db.Groups.ToDictionaryAsync(g => g.Name, cancellationToken);
        foreach (var group in demo.Groups.Where(g => g.Lead is not null))
        {
            groups[group.Name].LeadUserId = byName.GetValueOrDefault(UserDirectory.Normalize(group.Lead!))?.Id;
        }

        await db.SaveChangesAsync(cancellationToken);
        return demo;
    }
}

public sealed record DemoIdentity(string Password, List<DemoGroup> Groups, List<DemoUser> Users);

public sealed record DemoGroup(string Name, string DisplayName, string? Lead);

public sealed record DemoUser(string UserName, string DisplayName, string? Email, List<string> Roles, List<string> Groups, string? Manager);
