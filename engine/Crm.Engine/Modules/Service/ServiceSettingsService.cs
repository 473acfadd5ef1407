using System.Globalization;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

public sealed record ServiceSettingsView(string NumberPattern, int ImpactWeight, int UrgencyWeight, int TierWeight, int WarnPercent, string WorkingHours,
    IReadOnlyList<DateOnly> DaysOff, IReadOnlyList<string> Classifications, string Group, int Revision);

public sealed record SlaPolicyView(Guid Id, string Name, string? Classification, string? CustomerTier, int ReactionMinutes, int ResolutionMinutes);

public sealed record SlaPolicyRequest(string? Name, string? Classification, string? CustomerTier, int ReactionMinutes, int ResolutionMinutes);

/// <summary>The admin's service desk settings and SLA policies, and the business calendar built from them.</summary>
public sealed class ServiceSettingsService(CrmDbContext db)
{
    public static readonly IReadOnlyList<string> Tiers = ["A", "B", "C"];

    public static async Task<ServiceSettings> LoadAsync(CrmDbContext db, CancellationToken cancellationToken, bool tracking = false) =>
        await (tracking ? db.ServiceSettings : db.ServiceSettings.AsNoTracking()).SingleOrDefaultAsync(s => s.Id == 1, cancellationToken) ?? new ServiceSettings();

    public static BusinessCalendar CalendarOf(ServiceSettings settings) =>
        new(BusinessCalendar.Parse(settings.WorkingHours).Hours ?? BusinessCalendar.OfficeHours, DaysOffOf(settings));

    public static IReadOnlyList<DateOnly> DaysOffOf(ServiceSettings settings) =>
        [.. settings.DaysOff.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : (DateOnly?)null).OfType<DateOnly>().Order()];

    public static IReadOnlyList<string> ClassificationsOf(ServiceSettings settings) =>
        [.. settings.Classifications.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    public async Task<ServiceSettingsView> GetAsync(CancellationToken cancellationToken) => View(await LoadAsync(db, cancellationToken));

    public async Task<ServiceSettingsView> SaveAsync(ServiceSettingsView request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var errors = new Dictionary<string, string[]>();
        if (RecordNumbers.Check(request.NumberPattern, "SRV/{yyyy}/{n:00000}") is { } pattern) errors["numberPattern"] = [pattern];
        foreach (var (field, weight) in new[] { ("impactWeight", request.ImpactWeight), ("urgencyWeight", request.UrgencyWeight), ("tierWeight", request.TierWeight) })
        {
            if (weight is < 0 or > 100) errors[field] = ["A weight of 0 to 100."];
        }

        if (request.WarnPercent is < 10 or > 99) errors["warnPercent"] = ["Warn at 10 to 99 % of a target."];
        if (BusinessCalendar.Parse(request.WorkingHours).Error is { } hours) errors["workingHours"] = [hours];
        var classifications = (request.Classifications ?? []).Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (classifications.Count == 0 || classifications.Any(c => c.Length > 50 || c.Contains(',', StringComparison.Ordinal))) errors["classifications"] = ["Give at least one classification, each at most 50 characters without commas."];
        if (string.IsNullOrWhiteSpace(request.Group) || !await db.Groups.AnyAsync(g => g.Name == request.Group, cancellationToken)) errors["group"] = [$"There is no group '{request.Group}'."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var settings = await LoadAsync(db, cancellationToken, tracking: true);
        if (db.Entry(settings).State == EntityState.Detached)
        {
            db.ServiceSettings.Add(settings);
        }
        else if (settings.Revision != request.Revision)
        {
            throw new ConflictException("Someone else changed the service desk settings meanwhile; reload them.");
        }

        settings.NumberPattern = request.NumberPattern.Trim();
        (settings.ImpactWeight, settings.UrgencyWeight, settings.TierWeight, settings.WarnPercent) = (request.ImpactWeight, request.UrgencyWeight, request.TierWeight, request.WarnPercent);
        settings.WorkingHours = BusinessCalendar.Format(BusinessCalendar.Parse(request.WorkingHours).Hours!);
        settings.DaysOff = string.Join(',', (request.DaysOff ?? []).Distinct().Order().Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        settings.Classifications = string.Join(',', classifications);
        settings.Group = request.Group.Trim();
        settings.Revision++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("Someone else changed the service desk settings meanwhile; reload them.");
        }

        return View(settings);
    }

    public async Task<List<SlaPolicyView>> PoliciesAsync(CancellationToken cancellationToken) =>
        [.. (await db.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken)).OrderBy(p => p.Classification is null).ThenBy(p => p.CustomerTier is null)
            .ThenBy(p => p.Name, StringComparer.Ordinal).Select(View)];

    public async Task<SlaPolicyView> SavePolicyAsync(Guid? id, SlaPolicyRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var settings = await LoadAsync(db, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100) errors["name"] = ["Name the policy (at most 100 characters)."];
        if (request.Classification is { Length: > 0 } c && !ClassificationsOf(settings).Contains(c)) errors["classification"] = [$"Use one of: {string.Join(", ", ClassificationsOf(settings))}, or none for any."];
        if (request.CustomerTier is { Length: > 0 } t && !Tiers.Contains(t)) errors["customerTier"] = ["A, B or C, or none for any."];
        // At most 100 000 working minutes (a year of eight-hour days): the calendar looks ten years ahead even for short working days.
        if (request.ReactionMinutes is < 1 or > 100_000) errors["reactionMinutes"] = ["1 to 100 000 working minutes."];
        if (request.ResolutionMinutes < request.ReactionMinutes || request.ResolutionMinutes > 100_000) errors["resolutionMinutes"] = ["At least the reaction time, at most 100 000 working minutes."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var policy = id is { } existing ? await db.SlaPolicies.SingleOrDefaultAsync(p => p.Id == existing, cancellationToken) ?? throw new NotFoundException($"SLA policy {existing} does not exist.")
            : db.SlaPolicies.Add(new SlaPolicy { Name = "" }).Entity;
        (policy.Name, policy.Classification, policy.CustomerTier, policy.ReactionMinutes, policy.ResolutionMinutes) =
            (request.Name!.Trim(), Blank(request.Classification), Blank(request.CustomerTier), request.ReactionMinutes, request.ResolutionMinutes);
        await db.SaveChangesAsync(cancellationToken);
        return View(policy);
    }

    public async Task DeletePolicyAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var policy = await db.SlaPolicies.SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw new NotFoundException($"SLA policy {id} does not exist.");
        db.SlaPolicies.Remove(policy);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The most specific policy for a classification and tier (both given beats one beats none); 4 h / 3 days when no policy matches.</summary>
    public static async Task<SlaPolicy> PolicyForAsync(CrmDbContext db, string classification, string tier, CancellationToken cancellationToken) =>
        (await db.SlaPolicies.AsNoTracking().Where(p => (p.Classification == null || p.Classification == classification) && (p.CustomerTier == null || p.CustomerTier == tier))
            .ToListAsync(cancellationToken))
        .OrderByDescending(p => (p.Classification is null ? 0 : 2) + (p.CustomerTier is null ? 0 : 1)).ThenBy(p => p.ResolutionMinutes).FirstOrDefault()
        ?? new SlaPolicy { Name = "default", ReactionMinutes = 240, ResolutionMinutes = 3 * 480 };

    private static void RequireAdmin(CurrentUser user)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only admins change the service desk settings and SLA policies.");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ServiceSettingsView View(ServiceSettings s) => new(s.NumberPattern, s.ImpactWeight, s.UrgencyWeight, s.TierWeight, s.WarnPercent,
        BusinessCalendar.Format(CalendarOf(s).Hours), DaysOffOf(s), ClassificationsOf(s), s.Group, s.Revision);

    private static SlaPolicyView View(SlaPolicy p) => new(p.Id, p.Name, p.Classification, p.CustomerTier, p.ReactionMinutes, p.ResolutionMinutes);
}
