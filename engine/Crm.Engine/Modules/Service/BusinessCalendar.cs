using System.Globalization;

namespace Crm.Modules.Service;

/// <summary>Working hours of one weekday (local time); a day without hours is not a working day.</summary>
public sealed record WorkingHours(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);

/// <summary>
/// Working time for SLA clocks: working hours per weekday in Polish time, Polish public holidays (the movable ones
/// from Easter: Easter Monday, Pentecost, Corpus Christi) and the admin's days off. Adding working minutes to an
/// instant skips nights, weekends and holidays; the time between two instants counts only working minutes.
/// </summary>
public sealed class BusinessCalendar
{
    private static readonly TimeZoneInfo Poland = FindPoland();
    private readonly Dictionary<DayOfWeek, WorkingHours> _hours;
    private readonly HashSet<DateOnly> _daysOff;

    public BusinessCalendar(IEnumerable<WorkingHours> hours, IEnumerable<DateOnly> daysOff)
    {
        _hours = hours.Where(h => h.Closes > h.Opens).ToDictionary(h => h.Day);
        _daysOff = [.. daysOff];
        if (_hours.Count == 0)
        {
            throw new ArgumentException("A business calendar needs at least one working day.", nameof(hours));
        }
    }

    /// <summary>Monday to Friday, 8:00 to 16:00.</summary>
    public static IReadOnlyList<WorkingHours> OfficeHours { get; } =
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }.Select(d => new WorkingHours(d, new TimeOnly(8, 0), new TimeOnly(16, 0)))];

    public IReadOnlyCollection<WorkingHours> Hours => _hours.Values;

    public bool IsWorkingDay(DateOnly day) => _hours.ContainsKey(day.DayOfWeek) && !_daysOff.Contains(day) && !IsPublicHoliday(day);

    /// <summary>The instant <paramref name="minutes"/> working minutes after <paramref name="start"/> (at the end of the last of them).</summary>
    public DateTimeOffset AddWorkingMinutes(DateTimeOffset start, double minutes)
    {
        if (minutes <= 0)
        {
            return start;
        }

        var local = TimeZoneInfo.ConvertTime(start, Poland).DateTime;
        var day = DateOnly.FromDateTime(local);
        var left = minutes;
        for (var guard = 0; guard < 3660; guard++, day = day.AddDays(1))
        {
            if (!IsWorkingDay(day))
            {
                continue;
            }

            var hours = _hours[day.DayOfWeek];
            var opens = day.ToDateTime(hours.Opens);
            var closes = day.ToDateTime(hours.Closes);
            var from = local > opens ? local : opens;
            if (from >= closes)
            {
                continue;
            }

            var available = (closes - from).TotalMinutes;
            if (left <= available)
            {
                return Instant(from.AddMinutes(left));
            }

            left -= available;
        }

        throw new InvalidOperationException("The calendar has no working time in the next ten years.");
    }

    /// <summary>Working minutes between two instants (0 when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public double WorkingMinutesBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return 0;
        }

        var start = TimeZoneInfo.ConvertTime(from, Poland).DateTime;
        var end = TimeZoneInfo.ConvertTime(to, Poland).DateTime;
        double total = 0;
        for (var day = DateOnly.FromDateTime(start); day <= DateOnly.FromDateTime(end); day = day.AddDays(1))
        {
            if (!IsWorkingDay(day))
            {
                continue;
            }

            var hours = _hours[day.DayOfWeek];
            var opens = day.ToDateTime(hours.Opens);
            var closes = day.ToDateTime(hours.Closes);
            var a = start > opens ? start : opens;
            var b = end < closes ? end : closes;
            if (b > a)
            {
                total += (b - a).TotalMinutes;
            }
        }

        return total;
    }

    /// <summary>Polish public holidays (ustawa o dniach wolnych od pracy), including Christmas Eve from 2025.</summary>
    public static bool IsPublicHoliday(DateOnly day) => HolidaysOf(day.Year).Contains(day);

    public static IReadOnlySet<DateOnly> HolidaysOf(int year)
    {
        var easter = EasterSunday(year);
        var days = new HashSet<DateOnly>
        {
            new(year, 1, 1), new(year, 1, 6), easter, easter.AddDays(1), new(year, 5, 1), new(year, 5, 3),
            easter.AddDays(49),   // Pentecost (always a Sunday)
            easter.AddDays(60),   // Corpus Christi
            new(year, 8, 15), new(year, 11, 1), new(year, 11, 11), new(year, 12, 25), new(year, 12, 26),
        };
        if (year >= 2025)
        {
            days.Add(new DateOnly(year, 12, 24));
        }

        return days;
    }

    /// <summary>Easter Sunday of the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" computus).</summary>
    public static DateOnly EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = ((19 * a) + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + (2 * e) + (2 * i) - h - k) % 7, m = (a + (11 * h) + (22 * l)) / 451;
        int month = (h + l - (7 * m) + 114) / 31, dayOfMonth = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, dayOfMonth);
    }

    /// <summary>"mon 08:00-16:00, tue 08:00-16:00 …" as the admin page edits it.</summary>
    public static string Format(IEnumerable<WorkingHours> hours) => string.Join(", ", hours.OrderBy(h => ((int)h.Day + 6) % 7)
        .Select(h => $"{h.Day.ToString()[..3].ToLowerInvariant()} {h.Opens:HH\\:mm}-{h.Closes:HH\\:mm}"));

    /// <summary>Parses <see cref="Format"/>; null with the reason when it cannot.</summary>
    public static (IReadOnlyList<WorkingHours>? Hours, string? Error) Parse(string? text)
    {
        var result = new List<WorkingHours>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var day = Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>().FirstOrDefault(d => pieces.Length == 2 && d.ToString()![..3].Equals(pieces[0], StringComparison.OrdinalIgnoreCase));
            var times = pieces.Length == 2 ? pieces[1].Split('-') : [];
            if (day is null || times.Length != 2
                || !TimeOnly.TryParseExact(times[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var opens)
                || !TimeOnly.TryParseExact(times[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var closes) || closes <= opens)
            {
                return (null, $"'{part}' is not like 'mon 08:00-16:00'.");
            }

            if (result.Any(h => h.Day == day))
            {
                return (null, $"{day} is given twice.");
            }

            result.Add(new WorkingHours(day.Value, opens, closes));
        }

        return result.Count == 0 ? (null, "Give at least one working day, e.g. 'mon 08:00-16:00'.") : (result, null);
    }

    private static DateTimeOffset Instant(DateTime local)
    {
        // A local time inside the spring-forward gap does not exist; working hours never start there, but be safe.
        var offset = Poland.IsInvalidTime(local) ? Poland.BaseUtcOffset : Poland.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static TimeZoneInfo FindPoland()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Warsaw");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
