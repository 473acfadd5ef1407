using System.Collections.Concurrent;
using System.Threading.Channels;
using Crm.Platform.Persistence;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Modules.Mail;

/// <summary>
/// IMAP IDLE where the server offers it: one connection per importing account waits for the server to say that new
/// mail arrived, and asks for an import of that account at once (the poll stays as the fallback). Listeners follow
/// the accounts: started for new ones, stopped for archived or switched-off ones, restarted after a lost connection.
/// </summary>
public sealed class MailIdle(IServiceScopeFactory scopes, ILogger<MailIdle> logger)
{
    /// <summary>IDLE is re-issued this often: servers drop an IDLE after 30 minutes (RFC 2177).</summary>
    private static readonly TimeSpan Reissue = TimeSpan.FromMinutes(9);
    private readonly ConcurrentDictionary<Guid, (CancellationTokenSource Stop, Task Listening)> _listeners = new();

    /// <summary>Accounts the server said have new mail.</summary>
    public Channel<Guid> Arrived { get; } = Channel.CreateUnbounded<Guid>();

    /// <summary>Starts and stops listeners to match the importing accounts; called every refresh interval.</summary>
    public async Task RefreshAsync(CancellationToken stoppingToken)
    {
        List<Guid> wanted;
        await using (var scope = scopes.CreateAsyncScope())
        {
            wanted = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailAccounts.AsNoTracking()
                .Where(a => a.ImportEnabled && !a.Archived && a.ImapHost != null).Select(a => a.Id).ToListAsync(stoppingToken);
        }

        foreach (var (id, listener) in _listeners)
        {
            if (!wanted.Contains(id) || listener.Listening.IsCompleted)
            {
                await listener.Stop.CancelAsync();
                _listeners.TryRemove(id, out _);
                listener.Stop.Dispose();
            }
        }

        foreach (var id in wanted.Where(id => !_listeners.ContainsKey(id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _listeners[id] = (stop, Task.Run(() => ListenAsync(id, stop.Token), CancellationToken.None));
        }
    }

    private async Task ListenAsync(Guid accountId, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var account = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailAccounts.AsNoTracking().SingleAsync(a => a.Id == accountId, cancellationToken);
            using var imap = await scope.ServiceProvider.GetRequiredService<MailAccounts>().ConnectImapAsync(account, cancellationToken);
            if (!imap.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                await imap.DisconnectAsync(true, cancellationToken);
                await Task.Delay(Timeout.Infinite, cancellationToken);   // no IDLE here: the poll does the work; stay registered so we do not reconnect
                return;
            }

            var folder = await imap.GetFolderAsync(account.ImportFolder, cancellationToken);
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                done.CancelAfter(Reissue);
                var arrived = false;
                void OnCount(object? sender, EventArgs e)
                {
                    arrived = true;
                    done.Cancel();   // leave IDLE: the import reads the mailbox on its own connection
                }

                folder.CountChanged += OnCount;
                try
                {
                    await imap.IdleAsync(done.Token, cancellationToken);
                }
                finally
                {
                    folder.CountChanged -= OnCount;
                }

                if (arrived)
                {
                    await Arrived.Writer.WriteAsync(accountId, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped: archived, switched off, or the node shuts down
        }
        catch (Exception ex)
        {
            logger.LogInformation("IDLE for mail account {Account} ended ({Reason}); the poll goes on and the listener is started again", accountId, ex.Message);
        }
    }
}
