using Crm.Modules.Service;
using Xunit;

namespace Crm.Engine.Tests.Service;

/// <summary>Working time in Poland: weekends, public holidays (movable ones from Easter, Christmas Eve from 2025), days off, summer time.</summary>
public sealed class BusinessCalendarTests
{
    private static readonly BusinessCalendar Office = new(BusinessCalendar.OfficeHours, []);

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Easter_AndTheHolidaysThatMoveWithIt()
    {
        Assert.Equal(new DateOnly(2026, 4, 5), BusinessCalendar.EasterSunday(2026));
        Assert.Equal(new DateOnly(2027, 3, 28), BusinessCalendar.EasterSunday(2027));
        Assert.Equal(new DateOnly(2024, 3, 31), BusinessCalendar.EasterSunday(2024));
        Assert.True(BusinessCalendar.IsPublicHoliday(new DateOnly(2027, 3, 29)));    // Easter Monday
        Assert.True(BusinessCalendar.IsPublicHoliday(new DateOnly(2026, 6, 4)));     // Corpus Christi
        Assert.True(BusinessCalendar.IsPublicHoliday(new DateOnly(2026, 12, 24)));   // Christmas Eve, a holiday since 2025
        Assert.False(BusinessCalendar.IsPublicHoliday(new DateOnly(2024, 12, 24)));
        Assert.False(BusinessCalendar.IsPublicHoliday(new DateOnly(2026, 6, 5)));
    }

    [Fact]
    public void WorkingMinutes_SkipNightsWeekendsHolidaysAndDaysOff()
    {
        // Friday 15:00 in Warsaw (UTC+1) + 2 h: one hour on Friday, one on Monday from 8:00.
        Assert.Equal(Utc(2026, 12, 7, 8), Office.AddWorkingMinutes(Utc(2026, 12, 4, 14), 120));
        // Tuesday 10 Nov 15:30 + 1 h: Wednesday 11 Nov is Independence Day.
        Assert.Equal(Utc(2026, 11, 12, 7, 30), Office.AddWorkingMinutes(Utc(2026, 11, 10, 14, 30), 60));
        // Wednesday 23 Dec 15:00 + 2 h: Christmas Eve, Christmas and the weekend are skipped.
        Assert.Equal(Utc(2026, 12, 28, 8), Office.AddWorkingMinutes(Utc(2026, 12, 23, 14), 120));
        // Summer time: Friday 26 Mar 2027 15:00 (UTC+1) + 2 h: Easter Monday is off, Tuesday 9:00 is UTC+2.
        Assert.Equal(Utc(2027, 3, 30, 7), Office.AddWorkingMinutes(Utc(2027, 3, 26, 14), 120));
        // Before opening counts from 8:00; an admin's day off is skipped.
        var withDayOff = new BusinessCalendar(BusinessCalendar.OfficeHours, [new DateOnly(2026, 12, 7)]);
        Assert.Equal(Utc(2026, 12, 8, 8), withDayOff.AddWorkingMinutes(Utc(2026, 12, 4, 14), 120));

        Assert.Equal(120, Office.WorkingMinutesBetween(Utc(2026, 12, 23, 14), Utc(2026, 12, 28, 8)));
        Assert.Equal(0, Office.WorkingMinutesBetween(Utc(2026, 12, 26, 10), Utc(2026, 12, 27, 10)));
        Assert.Equal(480 * 5, Office.WorkingMinutesBetween(Utc(2026, 11, 30, 0), Utc(2026, 12, 7, 0)));
    }

    [Fact]
    public void WorkingHours_AreReadAndWrittenAsTheAdminTypesThem()
    {
        var (hours, error) = BusinessCalendar.Parse("mon 07:30-15:30, sat 09:00-13:00");
        Assert.Null(error);
        Assert.Equal("mon 07:30-15:30, sat 09:00-13:00", BusinessCalendar.Format(hours!));
        Assert.NotNull(BusinessCalendar.Parse("mon 16:00-08:00").Error);
        Assert.NotNull(BusinessCalendar.Parse("monday all day").Error);
        Assert.NotNull(BusinessCalendar.Parse("mon 08:00-16:00, mon 09:00-10:00").Error);
        // Saturday mornings count when the calendar says so.
        var withSaturday = new BusinessCalendar(hours!, []);
        Assert.Equal(Utc(2026, 12, 5, 10), withSaturday.AddWorkingMinutes(Utc(2026, 12, 4, 16), 120));
    }
}
