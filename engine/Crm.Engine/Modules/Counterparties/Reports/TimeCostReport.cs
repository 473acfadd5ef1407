using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Hosting;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Counterparties.Reports;

public sealed record TimeCostRow(Guid CounterpartyId, string Name, int Activities, int Minutes, decimal Hours, decimal Cost);

public sealed record TimeCostResult(DateOnly From, DateOnly To, decimal HourlyRate, string Currency, string? Employee, IReadOnlyList<TimeCostRow> Rows, int TotalMinutes, decimal TotalCost);

/// <summary>
/// Time and cost per customer: the duration of done activities in a period, summed per counterparty the caller
/// may see, priced at an hourly rate (configured default <c>Crm:Reports:HourlyRate</c>, or one given per run).
/// </summary>
public sealed class TimeCostReport(CrmDbContext db, CounterpartyAccess recordAccess, IOptions<CrmOptions> options)
{
    public const int MaxRows = 1_000;

    public async Task<TimeCostResult> RunAsync(DateOnly from, DateOnly to, decimal? hourlyRate, string? employee, CurrentUser user, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw ValidationFailedException.For("to", "The period cannot end before it starts.");
        }

        var rate = hourlyRate ?? options.Value.Reports.HourlyRate;
        if (rate < 0)
        {
            throw ValidationFailedException.For("rate", "The hourly rate cannot be negative.");
        }

        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var visible = recordAccess.Visible(db.Counterparties, user);
        var activities = db.Activities.AsNoTracking().Where(a => a.Status == ActivityStatus.Done && a.At >= start && a.At < end);
        if (!string.IsNullOrWhiteSpace(employee))
        {
            activities = activities.Where(a => a.Employee == employee);
        }

        var sums = await activities.Where(a => visible.Any(c => c.Id == a.CounterpartyId))
            .GroupBy(a => a.CounterpartyId)
            .Select(g => new { CounterpartyId = g.Key, Count = g.Count(), Minutes = g.Sum(a => a.DurationMinutes) })
            .OrderByDescending(g => g.Minutes).Take(MaxRows).ToListAsync(cancellationToken);
        var ids = sums.Select(s => s.CounterpartyId).ToList();
        var names = await db.Counterparties.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var rows = sums.Select(s => new TimeCostRow(s.CounterpartyId, names.GetValueOrDefault(s.CounterpartyId) ?? "", s.Count, s.Minutes,
            Math.Round(s.Minutes / 60m, 2), Math.Round(s.Minutes * rate / 60m, 2))).ToList();
        return new TimeCostResult(from, to, rate, options.Value.Reports.Currency, employee, rows, rows.Sum(r => r.Minutes), rows.Sum(r => r.Cost));
    }

    public static byte[] ToExcel(TimeCostResult result) =>
        ExcelWriter.Write("Time and cost", ["Counterparty", "Activities", "Minutes", "Hours", $"Cost ({result.Currency}, {result.HourlyRate}/h)"],
            result.Rows.Select(r => (IReadOnlyList<object?>)[r.Name, r.Activities, r.Minutes, r.Hours, r.Cost]));
}
