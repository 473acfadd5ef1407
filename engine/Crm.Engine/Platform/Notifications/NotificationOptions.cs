namespace Crm.Platform.Notifications;

/// <summary>E-mail notifications (<c>Crm:Notifications</c>). Nothing is mailed until <see cref="SmtpHost"/> is set.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Crm:Notifications";

    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    /// <summary>None, StartTls, SslOnConnect or Auto (StartTls when the server offers it).</summary>
    public string Security { get; set; } = "Auto";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Workflow CRM <noreply@localhost>";
    /// <summary>Address of the web UI, for links in mails.</summary>
    public string BaseUrl { get; set; } = "http://localhost:5000/";
    /// <summary>How often the worker looks for mail to send and tasks to remind or escalate.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>The reminder goes this long before a task's due date.</summary>
    public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Hour of the day (UTC) when daily digests go out.</summary>
    public int DigestHour { get; set; } = 6;
    public int MaxAttempts { get; set; } = 5;
    /// <summary>How long a read in-app notification stays in the bell's list before it is deleted.</summary>
    public TimeSpan ReadKeptFor { get; set; } = TimeSpan.FromDays(30);
}
