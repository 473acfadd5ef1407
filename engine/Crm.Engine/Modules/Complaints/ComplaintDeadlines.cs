namespace Crm.Modules.Complaints;

/// <summary>
/// The statutory answer deadline: a consumer must have the answer within 14 calendar days of the day the complaint was
/// received (Polish consumer law; silence counts as acceptance); a business customer within the days the admin set.
/// Deadlines end at midnight in Poland, whatever the server's time zone.
/// </summary>
public static class ComplaintDeadlines
{
    private static readonly TimeZoneInfo Poland = FindPoland();

    public static DateOnly DeadlineOf(DateOnly receivedOn, ComplaintKind kind, ComplaintSettings settings) =>
        receivedOn.AddDays(kind == ComplaintKind.Consumer ? settings.ConsumerDays : settings.BusinessDays);

    /// <summary>The instant the deadline day ends (midnight after it, Polish time).</summary>
    public static DateTimeOffset EndOf(DateOnly day) => LocalMidnight(day.AddDays(1));

    /// <summary>When the handling group's lead is warned: the morning (8:00) a few days before the deadline.</summary>
    public static DateTimeOffset WarningOf(DateOnly deadline, ComplaintSettings settings) =>
        LocalMidnight(deadline.AddDays(-Math.Max(0, settings.WarnDaysBefore))).AddHours(8);

    /// <summary>Today in Poland (the day a complaint received now is received on).</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Poland).DateTime);

    /// <summary>Whole days left until the deadline ends (negative once passed).</summary>
    public static int DaysLeft(DateOnly deadline, DateTimeOffset now) =>
        deadline.DayNumber - DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Poland).DateTime).DayNumber;

    private static DateTimeOffset LocalMidnight(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Poland.GetUtcOffset(local)).ToUniversalTime();
    }

    private static TimeZoneInfo FindPoland()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Warsaw");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;   // a machine without time-zone data: deadlines end at midnight UTC
        }
    }
}
