using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Notifications;

/// <summary>Runs <see cref="NotificationService.RunOnceAsync"/> every poll interval (mails only while SMTP is configured).</summary>
public sealed class NotificationWorker(IServiceScopeFactory scopes, IOptions<NotificationOptions> options, ILogger<NotificationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.SmtpHost))
        {
            // The pass still runs: reminders and escalations reach the in-app bell without a mail server.
            logger.LogInformation("E-mail notifications are off: set Crm:Notifications:SmtpHost to send them");
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var sent = await scope.ServiceProvider.GetRequiredService<NotificationService>().RunOnceAsync(stoppingToken);
                if (sent > 0)
                {
                    logger.LogInformation("Sent {Count} notification mail(s)", sent);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Notification pass failed; trying again in {Interval}", options.Value.PollInterval);
            }

            await Task.Delay(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

public static class NotificationSetup
{
    public static IServiceCollection AddCrmNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section);
        services.AddScoped<NotificationService>();
        services.AddScoped<NotificationOutbox>();
        services.AddScoped<InAppNotifications>();
        services.AddScoped<NotificationFeed>();
        services.AddScoped<Mentions>();
        services.AddDomainEventSubscriber<TaskCreated, TaskNotifications>();
        services.AddDomainEventSubscriber<TaskDelegated, TaskNotifications>();
        services.AddDomainEventSubscriber<TaskReturned, TaskNotifications>();
        services.AddDomainEventSubscriber<TaskReassigned, TaskNotifications>();
        services.AddScoped<NotificationPreferences>();
        services.AddSingleton<MailSender>();
        services.AddHostedService<NotificationWorker>();
        return services;
    }
}
