using System.Globalization;
using Crm.Designer.Localization;
using Crm.Platform.Notifications;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Crm.Designer.Components.Notifications;

/// <summary>A notification row in words of the reader's language: the row keeps the kind, never a sentence.</summary>
public static class NotificationText
{
    public static string Sentence(IStringLocalizer<UiText> t, NotificationView n) =>
        string.Format(CultureInfo.CurrentCulture, t[Key(n.Kind)], n.Subject, n.Actor);

    private static string Key(string kind) => kind switch
    {
        NotificationKind.TaskCreated => "NotifTaskCreated",
        NotificationKind.TaskDelegated => "NotifTaskDelegated",
        NotificationKind.TaskReturned => "NotifTaskReturned",
        NotificationKind.TaskReassigned => "NotifTaskReassigned",
        NotificationKind.Reminder => "NotifReminder",
        NotificationKind.Escalation => "NotifEscalation",
        UserNotification.MentionKind => "NotifMention",
        _ => "NotifOther",
    };

    public static string Icon(string kind) => kind switch
    {
        NotificationKind.Reminder => Icons.Material.Filled.Alarm,
        NotificationKind.Escalation => Icons.Material.Filled.Warning,
        UserNotification.MentionKind => Icons.Material.Filled.AlternateEmail,
        _ => Icons.Material.Filled.Assignment,
    };

    /// <summary>"5 min ago", "yesterday 14:02" style, in the reader's culture.</summary>
    public static string When(IStringLocalizer<UiText> t, DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age < TimeSpan.FromMinutes(1) ? t["NotifJustNow"]
            : age < TimeSpan.FromHours(1) ? string.Format(CultureInfo.CurrentCulture, t["NotifMinutesAgo"], (int)age.TotalMinutes)
            : at.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);
    }
}
