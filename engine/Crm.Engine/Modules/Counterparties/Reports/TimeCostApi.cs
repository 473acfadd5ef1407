using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties.Reports;

/// <summary>HTTP API of the time-and-cost report (per customer, with Excel).</summary>
public static class TimeCostApi
{
    public static IEndpointRouteBuilder MapTimeCostApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reports/time-cost", async (DateOnly? from, DateOnly? to, decimal? rate, string? employee, string? format, CurrentUser user,
            TimeCostReport report, TimeProvider clock, CancellationToken ct) =>
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var result = await report.RunAsync(from ?? today.AddDays(1 - today.Day), to ?? today, rate, employee, user, ct);
            return string.Equals(format, "xlsx", StringComparison.OrdinalIgnoreCase)
                ? (IResult)TypedResults.File(TimeCostReport.ToExcel(result), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"time-cost-{result.From:yyyyMMdd}-{result.To:yyyyMMdd}.xlsx")
                : TypedResults.Ok(result);
        }).WithTags("CRM").WithName("TimeCostReport").WithSummary("Time and cost per customer: done activities' minutes in [from, to] × rate (default from Crm:Reports:HourlyRate); employee; format=xlsx.");
        return app;
    }
}
