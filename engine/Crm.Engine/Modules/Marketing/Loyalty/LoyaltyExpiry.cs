using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>
/// Points of a type with an expiry period expire FIFO: what a member spends, corrects away or already lost to expiry is
/// taken from its oldest points first, so at a moment <c>asOf</c> the points due to expire are the points credited up to
/// <c>asOf − period</c> minus everything debited so far (never more than the balance). A returned order counts as a new
/// credit from the day it came back. Each member and type gets at most one expire row per day (its source key).
/// </summary>
public sealed class LoyaltyExpiry(CrmDbContext db, LoyaltyLedger ledger, ProcessEngine engine, TimeProvider clock)
{
    /// <summary>Books the expire rows due at <paramref name="asOf"/> (now by default); returns how many rows it booked.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken, DateTimeOffset? asOf = null)
    {
        var at = asOf ?? clock.GetUtcNow();
        var types = await db.LoyaltyPointTypes.AsNoTracking().Where(t => t.ExpiryMonths != null && db.LoyaltyProgrammes.Any(p => p.Id == t.ProgrammeId && p.Active))
            .ToListAsync(cancellationToken);
        var booked = 0;
        foreach (var type in types)
        {
            var cutoff = at.AddMonths(-type.ExpiryMonths!.Value);
            var due = await Due(type, cutoff).Select(x => x.MemberId).ToListAsync(cancellationToken);
            foreach (var memberId in due)
            {
                var key = $"expire:{memberId:N}:{type.Code}:{at:yyyyMMdd}";
                booked += await engine.ExecuteAsync(async _ =>
                {
                    var points = await Due(type, cutoff).Where(x => x.MemberId == memberId).Select(x => x.Old - x.Debited).FirstOrDefaultAsync(cancellationToken);
                    var member = await db.LoyaltyMembers.AsNoTracking().SingleAsync(m => m.Id == memberId, cancellationToken);
                    var balance = await ledger.BalanceAsync(member, type.Code, cancellationToken);
                    points = Math.Min(points, balance.Points);
                    if (points <= 0 || await ledger.EarlierAsync(key, cancellationToken) is not null) return 0;
                    await ledger.BookAsync(member, LoyaltyKinds.Expire, type.Code, -points, $"Expired: points earned before {cutoff:yyyy-MM-dd}", key, "system", null, cancellationToken);
                    return 1;
                }, cancellationToken);
            }
        }

        return booked;
    }

    private IQueryable<Due> Due(LoyaltyPointType type, DateTimeOffset cutoff) => db.LoyaltyOperations.AsNoTracking()
        .Where(o => o.ProgrammeId == type.ProgrammeId && o.PointType == type.Code)
        .GroupBy(o => o.MemberId)
        .Select(g => new Due { MemberId = g.Key, Old = g.Sum(o => o.Points > 0 && o.At <= cutoff ? o.Points : 0), Debited = g.Sum(o => o.Points < 0 ? -o.Points : 0) })
        .Where(x => x.Old > x.Debited);
}

internal sealed class Due
{
    public Guid MemberId { get; init; }
    public int Old { get; init; }
    public int Debited { get; init; }
}

/// <summary>Runs the expiry pass a few minutes after start and then every six hours.</summary>
public sealed class LoyaltyExpiryWorker(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LoyaltyExpiryWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromMinutes(5), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var booked = await scope.ServiceProvider.GetRequiredService<LoyaltyExpiry>().RunAsync(stoppingToken);
                if (booked > 0)
                {
                    logger.LogInformation("Loyalty expiry booked {Count} expire row(s)", booked);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Loyalty expiry pass failed; trying again in {Interval}", Every);
            }

            await Task.Delay(Every, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
