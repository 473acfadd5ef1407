using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

/// <summary>
/// Complaint numbers from the admin's pattern (<see cref="RecordNumbers"/>). The counter row is raised in the
/// registering commit, so two people registering at once get consecutive numbers and a registration that fails gives
/// its number back.
/// </summary>
public static class ComplaintNumbers
{
    public static string? Check(string? pattern) => RecordNumbers.Check(pattern, "REK/{yyyy}/{n:00000}");

    public static string Format(string pattern, int year, int sequence) => RecordNumbers.Format(pattern, year, sequence);

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
