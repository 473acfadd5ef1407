using Crm.Platform.Audit;
using Crm.Platform.Hosting;
using Crm.Platform.Persistence;
using SignInOptions = Crm.Platform.Hosting.SignInOptions;
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
            // An unknown or disabled name locks like a real one, so the answer never tells which names exist.
            var phantom = PhantomAccounts.Fail(normalized, now, settings);
            return phantom is { } phantomUntil ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: phantomUntil) : new SignInResult(SignInOutcome.Invalid);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            // The same work as any other answer, so the time taken does not tell a locked account from an unknown name.
            hasher.VerifyHashedPassword(new User { UserName = "-", DisplayName = "-" }, DummyHash, password);
            LogLocked(logger, user.UserName, until);
            return new SignInResult(SignInOutcome.LockedOut, LockedUntil: until);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            LogFailed(logger, userName);
            var lockedUntil = await CountFailureAsync(user, now, settings, cancellationToken);
            return lockedUntil is { } locked && locked > now
                ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: locked)
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

    /// <summary>
    /// One failed attempt, counted atomically in the database (<c>count = count + 1</c>), so parallel attempts are all
    /// counted; a lock in force refuses every attempt, and it only ever grows. (Attempts sent in one burst before the
    /// lock is written each get their guess.) Returns the lock's end when the account is now locked.
    /// </summary>
    private async Task<DateTimeOffset?> CountFailureAsync(User user, DateTimeOffset now, SignInOptions settings, CancellationToken cancellationToken)
    {
        db.Entry(user).State = EntityState.Detached;
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignInCount, x => x.FailedSignInCount + 1), cancellationToken);
        var failures = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.FailedSignInCount).SingleAsync(cancellationToken);
        DateTimeOffset? lockedUntil = null;
        if (LockFor(failures, settings) is { } lockFor)
        {
            lockedUntil = now + lockFor;
            await db.Users.Where(u => u.Id == user.Id && (u.LockedUntil == null || u.LockedUntil < lockedUntil))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockedUntil, lockedUntil), cancellationToken);
        }

        db.AuditLog.Add(Audited.Row(user.UserName, "auth.sign-in-failed", "user", user.Id.ToString(), now, null, new { failures }));
        await db.SaveChangesAsync(cancellationToken);
        return lockedUntil;
    }

    /// <summary>How long the account locks after <paramref name="failures"/> consecutive failures; null below the limit.</summary>
    internal static TimeSpan? LockFor(int failures, SignInOptions settings)
    {
        var over = failures - settings.MaxFailedAttempts;
        return over < 0 ? null : TimeSpan.FromTicks(Math.Min(settings.MaxLockout.Ticks, settings.Lockout.Ticks << Math.Min(over, 20)));
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Failed sign-in for {UserName}")]
    private static partial void LogFailed(ILogger logger, string userName);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Sign-in refused: {UserName} is locked until {Until}")]
    private static partial void LogLocked(ILogger logger, string userName, DateTimeOffset until);
}

/// <summary>
/// Failed attempts on names that are no account (or a disabled one), counted per node like real accounts are, so a
/// lock answer does not reveal that a name exists. Bounded: when full, the oldest half is forgotten.
/// </summary>
internal static class PhantomAccounts
{
    private const int Capacity = 10_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Failures, DateTimeOffset Last, DateTimeOffset? Until)> Counts = new(StringComparer.Ordinal);

    public static DateTimeOffset? Fail(string normalizedName, DateTimeOffset now, SignInOptions settings)
    {
        if (Counts.Count >= Capacity)
        {
            foreach (var old in Counts.OrderBy(c => c.Value.Last).Take(Capacity / 2).Select(c => c.Key).ToList())
            {
                Counts.TryRemove(old, out _);
            }
        }

        // As for a real account: while locked, an attempt is refused without counting.
        var entry = Counts.AddOrUpdate(normalizedName,
            _ => (1, now, Until(1)),
            (_, e) => e.Until > now ? e : (e.Failures + 1, now, Until(e.Failures + 1)));
        return entry.Until;

        DateTimeOffset? Until(int failures) => SignInService.LockFor(failures, settings) is { } lockFor ? now + lockFor : null;
    }
}
