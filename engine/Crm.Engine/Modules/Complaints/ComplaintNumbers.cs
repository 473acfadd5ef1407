using System.Globalization;
using System.Text.RegularExpressions;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

/// <summary>
/// Complaint numbers from the admin's pattern: <c>{yyyy}</c> (or <c>{yy}</c>) the year, <c>{n}</c> or <c>{n:00000}</c> the
/// sequence within the year. The counter row is raised in the registering commit, so two people registering at once get
/// consecutive numbers and a registration that fails gives its number back.
/// </summary>
public static partial class ComplaintNumbers
{
    [GeneratedRegex(@"\{(yyyy|yy|n(?::(0+))?)\}")]
    private static partial Regex Placeholder();

    /// <summary>Null when the pattern is usable, else what is wrong.</summary>
    public static string? Check(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > 100)
        {
            return "Give a pattern of at most 100 characters.";
        }

        return pattern.Contains("{n", StringComparison.Ordinal) && Placeholder().Matches(pattern).Any(m => m.Value.StartsWith("{n", StringComparison.Ordinal))
            ? null
            : "The pattern needs the sequence {n} (e.g. REK/{yyyy}/{n:00000}).";
    }

    public static string Format(string pattern, int year, int sequence) => Placeholder().Replace(pattern, m => m.Groups[1].Value switch
    {
        "yyyy" => year.ToString("0000", CultureInfo.InvariantCulture),
        "yy" => (year % 100).ToString("00", CultureInfo.InvariantCulture),
        _ => sequence.ToString(m.Groups[2].Success ? m.Groups[2].Value : "0", CultureInfo.InvariantCulture),
    });

    /// <summary>
    /// The next sequence of the year, saved with the caller's unit of work: the counter's value is its own concurrency
    /// token, so of two registrations at once one commits and the other is retried by the engine's conflict loop.
    /// </summary>
    public static async Task<int> NextAsync(CrmDbContext db, int year, CancellationToken cancellationToken)
    {
        var counter = await db.ComplaintCounters.SingleOrDefaultAsync(c => c.Year == year, cancellationToken);
        if (counter is null)
        {
            counter = new ComplaintCounter { Year = year, Last = 0 };
            db.ComplaintCounters.Add(counter);   // a twin insert loses on the key and is retried like a conflict
        }

        counter.Last++;
        return counter.Last;
    }
}
