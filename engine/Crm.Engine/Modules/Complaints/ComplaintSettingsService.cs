using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

public sealed record ComplaintSettingsView(string NumberPattern, int ConsumerDays, int BusinessDays, int WarnDaysBefore, decimal FourEyesThreshold,
    string ApproverGroup, string HandlingGroup, IReadOnlyList<string> CostTypes, int Revision);

/// <summary>The admin's complaint settings: number pattern, deadlines, warning, four-eyes threshold, groups and the cost types.</summary>
public sealed class ComplaintSettingsService(CrmDbContext db)
{
    /// <summary>The stored settings (the defaults until an admin saved them), tracked when <paramref name="tracking"/>.</summary>
    public static async Task<ComplaintSettings> LoadAsync(CrmDbContext db, CancellationToken cancellationToken, bool tracking = false)
    {
        var query = tracking ? db.ComplaintSettings : db.ComplaintSettings.AsNoTracking();
        return await query.SingleOrDefaultAsync(s => s.Id == 1, cancellationToken) ?? new ComplaintSettings();
    }

    public static IReadOnlyList<string> CostTypesOf(ComplaintSettings settings) =>
        [.. settings.CostTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    public async Task<ComplaintSettingsView> GetAsync(CancellationToken cancellationToken) => View(await LoadAsync(db, cancellationToken));

    public async Task<ComplaintSettingsView> SaveAsync(ComplaintSettingsView request, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only admins change the complaint settings.");
        }

        var errors = new Dictionary<string, string[]>();
        if (ComplaintNumbers.Check(request.NumberPattern) is { } pattern) errors["numberPattern"] = [pattern];
        if (request.ConsumerDays is < 1 or > 365) errors["consumerDays"] = ["1 to 365 days."];
        if (request.BusinessDays is < 1 or > 365) errors["businessDays"] = ["1 to 365 days."];
        if (request.WarnDaysBefore is < 0 or > 60) errors["warnDaysBefore"] = ["0 to 60 days."];
        if (request.FourEyesThreshold < 0) errors["fourEyesThreshold"] = ["The threshold cannot be negative."];
        var types = (request.CostTypes ?? []).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (types.Count == 0 || types.Any(t => t.Length > 50 || t.Contains(',', StringComparison.Ordinal))) errors["costTypes"] = ["Give at least one cost type, each at most 50 characters without commas."];
        foreach (var (field, group) in new[] { ("approverGroup", request.ApproverGroup), ("handlingGroup", request.HandlingGroup) })
        {
            if (string.IsNullOrWhiteSpace(group) || !await db.Groups.AnyAsync(g => g.Name == group, cancellationToken)) errors[field] = [$"There is no group '{group}'."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var settings = await LoadAsync(db, cancellationToken, tracking: true);
        if (db.Entry(settings).State == EntityState.Detached)
        {
            db.ComplaintSettings.Add(settings);
        }
        else if (settings.Revision != request.Revision)
        {
            throw new ConflictException("Someone else changed the complaint settings meanwhile; reload them.");
        }

        (settings.NumberPattern, settings.ConsumerDays, settings.BusinessDays, settings.WarnDaysBefore, settings.FourEyesThreshold, settings.ApproverGroup, settings.HandlingGroup) =
            (request.NumberPattern.Trim(), request.ConsumerDays, request.BusinessDays, request.WarnDaysBefore, request.FourEyesThreshold, request.ApproverGroup.Trim(), request.HandlingGroup.Trim());
        settings.CostTypes = string.Join(',', types);
        settings.Revision++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("Someone else changed the complaint settings meanwhile; reload them.");
        }

        return View(settings);
    }

    private static ComplaintSettingsView View(ComplaintSettings s) =>
        new(s.NumberPattern, s.ConsumerDays, s.BusinessDays, s.WarnDaysBefore, s.FourEyesThreshold, s.ApproverGroup, s.HandlingGroup, CostTypesOf(s), s.Revision);
}
