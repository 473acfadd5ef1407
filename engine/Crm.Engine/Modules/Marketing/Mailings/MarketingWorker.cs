using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>Sends mailings: a pass every <see cref="MarketingOptions.SendInterval"/>, and at once again while a pass found a full batch.</summary>
public sealed class MarketingWorker(IServiceScopeFactory scopes, IOptions<MarketingOptions> options, ILogger<MarketingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Worker)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                sent = await scope.ServiceProvider.GetRequiredService<MailingSender>().SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "A mailing pass failed; the next one goes on");
            }

            try
            {
                if (sent < options.Value.MaxBatch)
                {
                    await Task.Delay(options.Value.SendInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
