using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Mail;

/// <summary>Mail settings (<c>Crm:Mail</c>).</summary>
public sealed class MailOptions
{
    public const string Section = "Crm:Mail";

    /// <summary>How often each account's mailbox is read and the outbox is sent.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the outbox is looked at (sending should not wait for the next import).</summary>
    public TimeSpan SendInterval { get; set; } = TimeSpan.FromSeconds(5);
    public int MaxSendAttempts { get; set; } = 8;
    /// <summary>How long one attempt may hold a mail before another pass (on any node) takes it over: longer than a slow send.</summary>
    public TimeSpan SendClaim { get; set; } = TimeSpan.FromMinutes(3);
    /// <summary>Listen with IMAP IDLE where the server offers it (new mail is imported within seconds).</summary>
    public bool Idle { get; set; } = true;
    /// <summary>How often IDLE listeners are matched to the accounts (new accounts, switched off ones, lost connections).</summary>
    public TimeSpan IdleRefresh { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Set false to run neither import nor sending on this node (a node for the web only).</summary>
    public bool Worker { get; set; } = true;
}

/// <summary>Imports every enabled account each poll interval (and reminds of answers due); sends the outbox every send interval.</summary>
public sealed class MailWorker(IServiceScopeFactory scopes, IOptions<MailOptions> options, MailIdle idle, ILogger<MailWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Worker)
        {
            return;
        }

        // Separate loops: a long import must not hold up the outbox; IDLE wakes the import of one account at once.
        await Task.WhenAll(
            LoopAsync("sending", options.Value.SendInterval, async scope => await scope.ServiceProvider.GetRequiredService<MailOutbox>().SendDueAsync(stoppingToken), stoppingToken),
            LoopAsync("import", options.Value.PollInterval, async scope =>
            {
                await ImportAllAsync(stoppingToken);
                await scope.ServiceProvider.GetRequiredService<Register.CorrespondenceReminders>().RunAsync(stoppingToken);
            }, stoppingToken),
            options.Value.Idle ? LoopAsync("IDLE", options.Value.IdleRefresh, _ => idle.RefreshAsync(stoppingToken), stoppingToken) : Task.CompletedTask,
            options.Value.Idle ? ImportArrivedAsync(stoppingToken) : Task.CompletedTask);
    }

    /// <summary>Imports an account as soon as its IDLE listener heard of new mail.</summary>
    private async Task ImportArrivedAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await idle.Arrived.Reader.WaitToReadAsync(stoppingToken))
            {
                var accounts = new HashSet<Guid>();
                while (idle.Arrived.Reader.TryRead(out var id))
                {
                    accounts.Add(id);
                }

                foreach (var id in accounts)
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<MailImport>().RunAsync(id, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning(ex, "Import of account {Account} after IDLE failed; the poll tries again", id);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    private async Task LoopAsync(string name, TimeSpan interval, Func<AsyncServiceScope, Task> pass, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await pass(scope);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Mail {Pass} pass failed; trying again in {Interval}", name, interval);
            }

            await Task.Delay(interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ImportAllAsync(CancellationToken stoppingToken)
    {
        List<Guid> ids;
        await using (var scope = scopes.CreateAsyncScope())
        {
            ids = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailAccounts.AsNoTracking()
                .Where(a => a.ImportEnabled && !a.Archived && a.ImapHost != null).Select(a => a.Id).ToListAsync(stoppingToken);
        }

        foreach (var id in ids)
        {
            await using var scope = scopes.CreateAsyncScope();
            var run = await scope.ServiceProvider.GetRequiredService<MailImport>().RunAsync(id, stoppingToken);
            if (run.Imported > 0)
            {
                logger.LogInformation("Imported {Count} mail(s) from account {Account} ({Unassigned} unassigned)", run.Imported, id, run.Unassigned);
            }
        }
    }
}
