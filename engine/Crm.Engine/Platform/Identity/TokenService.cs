using System.Security.Cryptography;
using System.Text;
using Crm.Platform.Hosting;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Identity;

public sealed record IssuedToken(Guid Id, string Name, string Token, DateTimeOffset? ExpiresAt);

public sealed record TokenSummary(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

/// <summary>Issues, resolves and revokes opaque bearer tokens (session tokens and named API tokens).</summary>
public sealed class TokenService(CrmDbContext db, TimeProvider clock, IOptions<CrmOptions> options, TokenCache cache)
{
    private const string TokenPrefix = "crm_";

    public Task<IssuedToken> IssueSessionTokenAsync(Guid userId, CancellationToken cancellationToken = default) =>
        IssueAsync(userId, ApiTokenKind.Session, "session", clock.GetUtcNow() + options.Value.SignIn.SessionTokenLifetime, cancellationToken);

    /// <summary>A named token for scripts; it always expires, at the latest after the admin's maximum lifetime.</summary>
    public Task<IssuedToken> CreateNamedTokenAsync(Guid userId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var latest = now + options.Value.SignIn.MaxApiTokenLifetime;
        if (expiresAt is { } asked && (asked <= now || asked > latest))
        {
            throw ValidationFailedException.For("expiresAt",
                $"A token expires after now and at the latest on {latest:yyyy-MM-dd} ({options.Value.SignIn.MaxApiTokenLifetime.TotalDays:0} days, set by the administrator).");
        }

        return IssueAsync(userId, ApiTokenKind.Named, name, expiresAt ?? latest, cancellationToken);
    }

    public async Task<IReadOnlyList<TokenSummary>> ListNamedTokensAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var tokens = await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.Kind == ApiTokenKind.Named && t.RevokedAt == null)
            .ToListAsync(cancellationToken);
        return [.. tokens.OrderBy(t => t.CreatedAt).Select(t => new TokenSummary(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt ?? t.CreatedAt + options.Value.SignIn.MaxApiTokenLifetime, t.LastUsedAt))];
    }

    /// <summary>Revokes one of the user's own tokens; false when no such token belongs to the user.</summary>
    public async Task<bool> RevokeAsync(Guid userId, Guid tokenId, CancellationToken cancellationToken = default)
    {
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId && t.RevokedAt == null, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        cache.Forget(token.TokenHash);
        return true;
    }

    /// <summary>
    /// The claims of the active user a token belongs to, or null for unknown, expired or revoked tokens.
    /// One query reads token, user, roles and groups: this runs on every API request.
    /// </summary>
    public async Task<UserClaims?> ResolveAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        var hash = Hash(token);
        var now = clock.GetUtcNow();
        if (cache.TryGet(hash, now, out var cached))
        {
            return cached;
        }

        var row = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null && t.User!.IsActive)
            .Select(t => new
            {
                t.Id,
                t.ExpiresAt,
                t.CreatedAt,
                t.LastUsedAt,
                Claims = new UserClaims(t.User!.Id, t.User.UserName, t.User.DisplayName, t.User.SecurityStamp, t.User.IsDemo,
                    t.User.Roles.Select(r => r.Role).ToList(), t.User.Groups.Select(g => g.Group!.Name).ToList()) { MustChangePassword = t.User.MustChangePassword },
            })
            .SingleOrDefaultAsync(cancellationToken);
        // Tokens made before every token had an expiry live at most the admin's maximum from their creation.
        var expiresAt = row?.ExpiresAt ?? row?.CreatedAt + options.Value.SignIn.MaxApiTokenLifetime;
        if (row is null || expiresAt <= now)
        {
            return null;
        }

        // Touch at most once a minute: a script calling in a loop should not write on every request.
        if (row.LastUsedAt is null || now - row.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        cache.Remember(hash, row.Claims, now, expiresAt);
        return row.Claims;
    }

    private async Task<IssuedToken> IssueAsync(Guid userId, ApiTokenKind kind, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var token = TokenPrefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var row = new ApiToken
        {
            UserId = userId,
            Kind = kind,
            Name = name,
            TokenHash = Hash(token),
            Prefix = token[..10],
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedToken(row.Id, name, token, expiresAt);
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>
/// Resolved bearer tokens for a few seconds, so a script's burst of calls costs one lookup. Revoking on
/// this node takes effect at once; on other nodes, and for disabled users or changed roles, within
/// <see cref="Lifetime"/>.
/// </summary>
public sealed class TokenCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (UserClaims Claims, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string hash, DateTimeOffset now, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UserClaims? claims)
    {
        if (_entries.TryGetValue(hash, out var entry) && entry.Until > now)
        {
            claims = entry.Claims;
            return true;
        }

        claims = null;
        return false;
    }

    public void Remember(string hash, UserClaims claims, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        if (_entries.Count > 10_000)
        {
            _entries.Clear();   // bounded: a flood of distinct tokens must not grow memory
        }

        var until = now + Lifetime;
        _entries[hash] = (claims, expiresAt is { } e && e < until ? e : until);
    }

    public void Forget(string hash) => _entries.TryRemove(hash, out _);

    /// <summary>Drops every entry (a user was disabled or changed): the next request reads the database.</summary>
    public void Clear() => _entries.Clear();
}
