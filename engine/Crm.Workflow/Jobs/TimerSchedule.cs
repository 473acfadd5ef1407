using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using Crm.Workflow.Model;
using Cronos;

namespace Crm.Workflow.Jobs;

/// <summary>When a timer fires: the first due time, and for cycles whether and when it repeats.</summary>
public sealed record TimerPlan(DateTimeOffset Due, string? Cycle, int? RemainingRepeats);

/// <summary>
/// ISO-8601 dates (<c>2026-12-01T09:00:00Z</c>), durations (<c>P2D</c>, <c>PT4H</c>), repeating intervals
/// (<c>R3/PT1H</c>, <c>R/P1D</c>, <c>R5/2026-12-01T09:00:00Z/P1D</c>) and cron (5 fields, or 6 with seconds
/// first, as Camunda writes them; UTC).
/// </summary>
public static partial class TimerSchedule
{
    /// <summary>A readable problem with the text, or null when it is a valid timer of that kind.</summary>
    public static string? Check(TimerKind kind, string text)
    {
        try
        {
            First(kind, text, DateTimeOffset.UnixEpoch);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    public static TimerPlan First(TimerKind kind, string text, DateTimeOffset now)
    {
        text = text.Trim();
        switch (kind)
        {
            case TimerKind.Date:
                return new TimerPlan(ParseDate(text), null, null);
            case TimerKind.Duration:
                return new TimerPlan(now + ParseDuration(text), null, null);
            default:
                if (Repeating().Match(text) is { Success: true } match)
                {
                    int? repeats = match.Groups["n"].Success ? int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) : null;
                    if (repeats == 0)
                    {
                        throw new FormatException($"'{text}' repeats zero times.");
                    }

                    var interval = ParseDuration(match.Groups["d"].Value);
                    var due = match.Groups["start"].Success ? ParseDate(match.Groups["start"].Value) : now + interval;
                    return new TimerPlan(due, text, repeats - 1);
                }

                var cron = ParseCron(text);
                var next = cron.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc)
                    ?? throw new FormatException($"The cron expression '{text}' never fires.");
                return new TimerPlan(new DateTimeOffset(next, TimeSpan.Zero), text, null);
        }
    }

    /// <summary>The next firing of a cycle after the one due at <paramref name="lastDue"/>, or null when it is done.</summary>
    public static TimerPlan? Next(string cycle, DateTimeOffset lastDue, int? remainingRepeats, DateTimeOffset now)
    {
        if (remainingRepeats is <= 0)
        {
            return null;
        }

        if (Repeating().Match(cycle) is { Success: true } match)
        {
            var interval = ParseDuration(match.Groups["d"].Value);
            var due = lastDue + interval;
            // A late firing (an outage, a long sleep) stands for all it missed: the next one is in the future.
            while (due <= now)
            {
                due += interval;
            }

            return new TimerPlan(due, cycle, remainingRepeats - 1);
        }

        var next = ParseCron(cycle).GetNextOccurrence(Max(lastDue, now).UtcDateTime, TimeZoneInfo.Utc);
        return next is null ? null : new TimerPlan(new DateTimeOffset(next.Value, TimeSpan.Zero), cycle, null);
    }

    public static TimeSpan ParseDuration(string text)
    {
        TimeSpan duration;
        try
        {
            duration = XmlConvert.ToTimeSpan(text.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is not an ISO-8601 duration such as PT10M or P2D.");
        }

        return duration > TimeSpan.Zero ? duration : throw new FormatException($"The duration '{text}' must be longer than zero.");
    }

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && text.Contains('T', StringComparison.Ordinal)
            ? date.ToUniversalTime()
            : throw new FormatException($"'{text}' is not an ISO-8601 date and time such as 2026-12-01T09:00:00Z.");

    private static CronExpression ParseCron(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            return fields.Length switch
            {
                5 => CronExpression.Parse(text, CronFormat.Standard),
                6 => CronExpression.Parse(text, CronFormat.IncludeSeconds),
                _ => throw new FormatException("wrong number of fields"),
            };
        }
        catch (CronFormatException ex)
        {
            throw new FormatException($"'{text}' is neither a repeating interval (R3/PT1H) nor a cron expression: {ex.Message}");
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is neither a repeating interval (R3/PT1H) nor a cron expression with 5 or 6 fields.");
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [GeneratedRegex(@"^R(?<n>\d+)?/(?:(?<start>\d{4}-[^/]+)/)?(?<d>P[^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Repeating();
}

/// <summary>
/// How a failing job is retried: <c>R5/PT1M</c> means five attempts in all, a minute apart. Without a
/// cycle: three attempts, 10 s then 20 s apart. When the attempts are used up the job becomes an incident.
/// </summary>
public static class RetryPolicy
{
    public const int DefaultAttempts = 3;

    public static string? Check(string cycle)
    {
        try
        {
            Parse(cycle);
            return null;
        }
        catch (FormatException ex)
        {
            return "Retry cycle: " + ex.Message;
        }
    }

    public static int Attempts(string? cycle) => cycle is null ? DefaultAttempts : Parse(cycle).Attempts;

    /// <summary>The wait before the next attempt after <paramref name="failedAttempts"/> failures.</summary>
    public static TimeSpan Delay(string? cycle, int failedAttempts) =>
        cycle is null ? TimeSpan.FromSeconds(10 * Math.Pow(2, Math.Max(0, failedAttempts - 1))) : Parse(cycle).Interval;

    private static (int Attempts, TimeSpan Interval) Parse(string cycle)
    {
        var parts = cycle.Trim().Split('/');
        if (parts.Length != 2 || !parts[0].StartsWith('R')
            || !int.TryParse(parts[0][1..], NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) || attempts < 1)
        {
            throw new FormatException($"'{cycle}' should look like R5/PT1M (attempts/interval).");
        }

        return (attempts, TimerSchedule.ParseDuration(parts[1]));
    }
}
