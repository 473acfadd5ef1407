using Crm.Platform.Access;
using Crm.Modules.Counterparties;
using System.Globalization;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

public sealed record AddComplaintCostRequest(string? Type, decimal? Amount, string? Currency, DateOnly? On, string? Note);

/// <summary>One bar of the cost report: a customer, product, cost type or month, in one currency.</summary>
public sealed record ComplaintCostGroup(string Key, string Currency, decimal Amount, int Complaints, int Lines);

public sealed record ComplaintCostReport(string By, IReadOnlyList<ComplaintCostGroup> Groups, IReadOnlyList<ComplaintCostTotal> Totals);

/// <summary>The cost register: cost lines per complaint (types from the admin's list) and the report per customer, product, type and month.</summary>
public sealed class ComplaintCosts(CrmDbContext db, CounterpartyAccess recordAccess, ComplaintEditing editing, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Groupings = ["customer", "product", "type", "month"];

    public async Task<Guid> AddAsync(Guid complaintId, AddComplaintCostRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var complaint = await editing.EditableAsync(complaintId, user, cancellationToken);
        var types = ComplaintSettingsService.CostTypesOf(await ComplaintSettingsService.LoadAsync(db, cancellationToken));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new Dictionary<string, string[]>();
        var type = request.Type?.Trim().ToLowerInvariant();
        if (type is null || !types.Contains(type)) errors["type"] = [$"Choose one of: {string.Join(", ", types)}."];
        if (request.Amount is not > 0 || request.Amount > RegisterComplaint.MaxAmount) errors["amount"] = ["Give an amount above zero (at most 1 000 000 000)."];
        if (request.Currency is { } currency && (currency.Trim().Length != 3 || !currency.Trim().All(char.IsAsciiLetter))) errors["currency"] = ["A three-letter currency code, e.g. PLN."];
        if (request.On is { } on && (on > today.AddDays(1) || on < complaint.ReceivedOn.AddYears(-1))) errors["on"] = ["The date cannot be in the future."];
        if (request.Note is { Length: > 500 }) errors["note"] = ["At most 500 characters."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var cost = new ComplaintCost
        {
            ComplaintId = complaintId, Type = type!, Amount = decimal.Round(request.Amount!.Value, 2), Currency = (request.Currency ?? complaint.Currency).Trim().ToUpperInvariant(),
            On = request.On ?? today, Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), By = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        db.ComplaintCosts.Add(cost);
        db.ComplaintEvents.Add(new ComplaintEvent
        {
            ComplaintId = complaintId, At = cost.CreatedAt, Kind = "cost", By = user.UserName,
            Text = string.Create(CultureInfo.InvariantCulture, $"{cost.Type}: {cost.Amount:0.00} {cost.Currency}{(cost.Note is null ? "" : " (" + cost.Note + ")")}"),
        });
        await db.SaveChangesAsync(cancellationToken);
        return cost.Id;
    }

    public async Task RemoveAsync(Guid complaintId, Guid costId, CurrentUser user, CancellationToken cancellationToken)
    {
        await editing.EditableAsync(complaintId, user, cancellationToken);
        var cost = await db.ComplaintCosts.SingleOrDefaultAsync(k => k.Id == costId && k.ComplaintId == complaintId, cancellationToken)
            ?? throw new NotFoundException($"Cost line {costId} does not exist.");
        db.ComplaintCosts.Remove(cost);
        db.ComplaintEvents.Add(new ComplaintEvent
        {
            ComplaintId = complaintId, At = clock.GetUtcNow(), Kind = "cost", By = user.UserName,
            Text = string.Create(CultureInfo.InvariantCulture, $"removed {cost.Type}: {cost.Amount:0.00} {cost.Currency}"),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new NotFoundException($"Cost line {costId} was removed meanwhile.");
        }
    }

    /// <summary>Costs of the complaints the caller may see, with cost dates from..to, summed per customer, product, type or month (and currency).</summary>
    public async Task<ComplaintCostReport> ReportAsync(string? by, DateOnly? from, DateOnly? to, CurrentUser user, CancellationToken cancellationToken)
    {
        by = string.IsNullOrWhiteSpace(by) ? "type" : by.Trim().ToLowerInvariant();
        if (!Groupings.Contains(by))
        {
            throw ValidationFailedException.For("by", $"Group by one of: {string.Join(", ", Groupings)}.");
        }

        var complaints = ComplaintAccess.Visible(db, recordAccess, user);
        var costs = db.ComplaintCosts.AsNoTracking().Where(k => complaints.Any(c => c.Id == k.ComplaintId));
        if (from is { } start) costs = costs.Where(k => k.On >= start);
        if (to is { } end) costs = costs.Where(k => k.On <= end);
        var lines = await costs.Select(k => new
        {
            k.ComplaintId, k.Type, k.Amount, k.Currency, k.On,
            Customer = db.Complaints.Where(c => c.Id == k.ComplaintId).Select(c => db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault()).FirstOrDefault(),
            Product = db.Complaints.Where(c => c.Id == k.ComplaintId).Select(c => c.ProductName ?? c.ProductCode).FirstOrDefault(),
        }).ToListAsync(cancellationToken);
        var groups = lines.GroupBy(l => (Key: by switch
            {
                "customer" => l.Customer ?? "—",
                "product" => l.Product ?? "—",
                "month" => l.On.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                _ => l.Type,
            }, l.Currency))
            .Select(g => new ComplaintCostGroup(g.Key.Key, g.Key.Currency, g.Sum(l => l.Amount), g.Select(l => l.ComplaintId).Distinct().Count(), g.Count()))
            .OrderBy(g => by == "month" ? g.Key : "").ThenByDescending(g => g.Amount).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var totals = lines.GroupBy(l => l.Currency).OrderBy(g => g.Key).Select(g => new ComplaintCostTotal(g.Key, g.Sum(l => l.Amount))).ToList();
        return new ComplaintCostReport(by, groups, totals);
    }

    public async Task<byte[]> ExportAsync(string? by, DateOnly? from, DateOnly? to, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Complaint, AccessRights.Export);
        var report = await ReportAsync(by, from, to, user, cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "complaint-costs", null, new { report.By, from, to }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Complaint costs", [Heading(report.By), "Currency", "Amount", "Complaints", "Cost lines"],
            report.Groups.Select(g => (IReadOnlyList<object?>)[g.Key, g.Currency, g.Amount, g.Complaints, g.Lines]));
    }

    private static string Heading(string by) => by switch
    {
        "customer" => "Customer",
        "product" => "Product",
        "month" => "Month",
        _ => "Cost type",
    };
}
