using Crm.Platform.Hosting;
using Crm.Platform.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Identity;

public enum SignInOutcome
{
    Succeeded,
    Invalid,
    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, User? User = null, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Checks user name and password, with an account lock that grows with consecutive failures, so a
/// password cannot be guessed faster than a few tries per hour. The counter lives in the database,
/// which makes it hold across restarts and across server nodes.
/// </summary>
public sealed partial class SignInService(
    CrmDbContext db,
    IPasswordHasher<User> hasher,
    TimeProvider clock,
    IOptions<CrmOptions> options,
    ILogger<SignInService> logger)
{
    // Verifying against a real hash for unknown names keeps response time from revealing which names exist.
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(
        new User { UserName = "-", DisplayName = "-" }, Guid.NewGuid().ToString());

    public async Task<SignInResult> PasswordSignInAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        var settings = options.Value.SignIn;
        var now = clock.GetUtcNow();
        var normalized = UserDirectory.Normalize(userName);
        var user = await db.Users.Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group)
            .SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);

        if (user is null || !user.IsActive)
        {
            hasher.VerifyHashedPassword(new User { UserName = "-", DisplayName = "-" }, DummyHash, password);
            LogFailed(logger, userName);
            return new SignInResult(SignInOutcome.Invalid);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            LogLocked(logger, user.UserName, until);
            return new SignInResult(SignInOutcome.LockedOut, LockedUntil: until);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedSignInCount++;
            var over = user.FailedSignInCount - settings.MaxFailedAttempts;
            if (over >= 0)
            {
                var lockFor = TimeSpan.FromTicks(Math.Min(settings.MaxLockout.Ticks, settings.Lockout.Ticks << Math.Min(over, 20)));
                user.LockedUntil = now + lockFor;
            }

            await db.SaveChangesAsync(cancellationToken);
            LogFailed(logger, userName);
            return user.LockedUntil is { } lockedUntil && lockedUntil > now
                ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: lockedUntil)
                : new SignInResult(SignInOutcome.Invalid);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.FailedSignInCount = 0;
        user.LockedUntil = null;
        user.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, user);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Failed sign-in for {UserName}")]
    private static partial void LogFailed(ILogger logger, string userName);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Sign-in refused: {UserName} is locked until {Until}")]
    private static partial void LogLocked(ILogger logger, string userName, DateTimeOffset until);
}
