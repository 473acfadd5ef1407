using Crm.Platform.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Crm.Platform.Audit;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Knowledge;

public sealed record AssignmentSummary(Guid Id, Guid ArticleId, string ArticleTitle, string Version, DateTimeOffset CreatedAt, DateTimeOffset DueAt, string Status,
    int Readers, int Confirmed, int Pending, int Overdue);

public sealed record ReaderFilter(string? Group = null, string? Status = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record ReaderRow(string UserName, string DisplayName, IReadOnlyList<string> Groups, string Status, DateTimeOffset? OpenedAt, DateTimeOffset? ConfirmedAt,
    string Version, string? Ip, string Source);

public sealed record PersonRow(Guid AssignmentId, Guid ArticleId, string ArticleTitle, string Version, DateTimeOffset DueAt, string Status, DateTimeOffset? ConfirmedAt);

public sealed record ProgressPoint(DateOnly Day, int Confirmed, int Total);

/// <summary>
/// The compliance officer's view: per assignment who confirmed what and when, per person what they had to
/// read, progress over time, and exports (Excel with the filters applied; an evidence ZIP for an auditor).
/// </summary>
public sealed class ComplianceService(CrmDbContext db, AuditVerifier verifier, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<List<AssignmentSummary>> AssignmentsAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        Require(user);
        var now = clock.GetUtcNow();
        var assignments = await db.ReadingAssignments.AsNoTracking().OrderByDescending(a => a.CreatedAt).Take(500).ToListAsync(cancellationToken);
        var ids = assignments.Select(a => a.Id).ToList();
        var counts = await db.ReadingRequirements.AsNoTracking().Where(r => ids.Contains(r.AssignmentId))
            .GroupBy(r => new { r.AssignmentId, r.Status }).Select(g => new { g.Key.AssignmentId, g.Key.Status, Count = g.Count() }).ToListAsync(cancellationToken);
        return [.. assignments.Select(a =>
        {
            int Of(RequirementStatus s) => counts.Where(c => c.AssignmentId == a.Id && c.Status == s).Sum(c => c.Count);
            var pending = Of(RequirementStatus.Pending);
            var overdue = now > a.DueAt && a.Status == AssignmentStatus.Active ? pending : 0;
            return new AssignmentSummary(a.Id, a.ArticleId, a.ArticleTitle, a.Version, a.CreatedAt, a.DueAt, a.Status.ToString(),
                counts.Where(c => c.AssignmentId == a.Id).Sum(c => c.Count), Of(RequirementStatus.Confirmed), pending - overdue, overdue);
        })];
    }

    public async Task<(ReadingAssignment Assignment, List<ReaderRow> Rows)> ReadersAsync(Guid assignmentId, ReaderFilter filter, CurrentUser user, CancellationToken cancellationToken)
    {
        Require(user);
        var assignment = await db.ReadingAssignments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == assignmentId, cancellationToken)
            ?? throw new NotFoundException($"Reading assignment {assignmentId} does not exist.");
        var requirements = db.ReadingRequirements.AsNoTracking().Where(r => r.AssignmentId == assignmentId);
        if (!string.IsNullOrWhiteSpace(filter.Group))
        {
            var members = db.GroupMembers.Join(db.Groups.Where(g => g.Name == filter.Group), m => m.GroupId, g => g.Id, (m, g) => m.UserId)
                .Join(db.Users, id => id, u => u.Id, (id, u) => u.UserName);
            requirements = requirements.Where(r => members.Contains(r.UserName));
        }

        if (filter.From is { } from)
        {
            requirements = requirements.Where(r => r.ConfirmedAt >= from);
        }

        if (filter.To is { } to)
        {
            requirements = requirements.Where(r => r.ConfirmedAt <= to);
        }

        var rows = await requirements.OrderBy(r => r.UserName).ToListAsync(cancellationToken);
        // Everything else by joins on the assignment (never an IN list of thousands of names) into dictionaries.
        var readers = db.Users.AsNoTracking().Where(u => db.ReadingRequirements.Any(r => r.AssignmentId == assignmentId && r.UserName == u.UserName));
        var names = await readers.Select(u => new { u.UserName, u.DisplayName }).ToDictionaryAsync(u => u.UserName, u => u.DisplayName, StringComparer.Ordinal, cancellationToken);
        var groups = (await db.GroupMembers.AsNoTracking()
            .Join(readers, m => m.UserId, u => u.Id, (m, u) => new { u.UserName, m.GroupId })
            .Join(db.Groups, x => x.GroupId, g => g.Id, (x, g) => new { x.UserName, g.Name }).ToListAsync(cancellationToken))
            .ToLookup(x => x.UserName, x => x.Name, StringComparer.Ordinal);
        var opens = await db.ArticleOpens.AsNoTracking().Where(o => o.VersionId == assignment.VersionId)
            .GroupBy(o => o.UserName).Select(g => new { UserName = g.Key, At = g.Min(o => o.At) })
            .ToDictionaryAsync(o => o.UserName, o => o.At, StringComparer.Ordinal, cancellationToken);
        var ips = (await db.ReadConfirmations.AsNoTracking().Where(c => c.AssignmentId == assignmentId).Select(c => new { c.UserName, c.Ip }).ToListAsync(cancellationToken))
            .GroupBy(c => c.UserName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Ip, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var result = rows.Select(r => new ReaderRow(r.UserName, names.GetValueOrDefault(r.UserName) ?? r.UserName, [.. groups[r.UserName]],
            ReadingService.StatusOf(r, assignment, now), opens.TryGetValue(r.UserName, out var opened) ? opened : null, r.ConfirmedAt, assignment.Version,
            ips.GetValueOrDefault(r.UserName), r.Source));
        if (!string.IsNullOrWhiteSpace(filter.Status))
        {
            var status = filter.Status.Trim();
            result = result.Where(r => string.Equals(r.Status, status, StringComparison.OrdinalIgnoreCase));
        }

        return (assignment, result.ToList());
    }

    public async Task<List<PersonRow>> PersonAsync(string userName, CurrentUser user, CancellationToken cancellationToken)
    {
        Require(user);
        var now = clock.GetUtcNow();
        var rows = await db.ReadingRequirements.AsNoTracking().Where(r => r.UserName == userName)
            .Join(db.ReadingAssignments, r => r.AssignmentId, a => a.Id, (r, a) => new { r, a }).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(x => x.a.CreatedAt).Select(x => new PersonRow(x.a.Id, x.a.ArticleId, x.a.ArticleTitle, x.a.Version, x.a.DueAt,
            ReadingService.StatusOf(x.r, x.a, now), x.r.ConfirmedAt))];
    }

    /// <summary>Confirmed readers per day since the assignment started (cumulative), for the progress chart.</summary>
    public async Task<List<ProgressPoint>> ProgressAsync(Guid assignmentId, CurrentUser user, CancellationToken cancellationToken)
    {
        Require(user);
        var assignment = await db.ReadingAssignments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == assignmentId, cancellationToken)
            ?? throw new NotFoundException($"Reading assignment {assignmentId} does not exist.");
        var requirements = await db.ReadingRequirements.AsNoTracking().Where(r => r.AssignmentId == assignmentId)
            .Select(r => new { r.ConfirmedAt, r.AddedAt }).ToListAsync(cancellationToken);
        var first = DateOnly.FromDateTime(assignment.CreatedAt.UtcDateTime);
        var endAt = assignment.EndedAt ?? (clock.GetUtcNow() < assignment.DueAt ? clock.GetUtcNow() : assignment.DueAt);
        var last = DateOnly.FromDateTime(endAt.UtcDateTime);
        var points = new List<ProgressPoint>();
        for (var day = first; day <= last && points.Count < 366; day = day.AddDays(1))
        {
            var end = new DateTimeOffset(day.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);
            points.Add(new ProgressPoint(day, requirements.Count(r => r.ConfirmedAt <= end), requirements.Count(r => r.AddedAt <= end)));
        }

        return points;
    }

    public async Task<byte[]> ExportAsync(Guid assignmentId, ReaderFilter filter, CurrentUser user, CancellationToken cancellationToken)
    {
        var (assignment, rows) = await ReadersAsync(assignmentId, filter, user, cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "readers", assignmentId.ToString(), null, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Confirmations", ["User", "Name", "Groups", "Article", "Version", "Status", "Opened (UTC)", "Confirmed (UTC)", "IP", "Due (UTC)"],
            rows.Select(r => (IReadOnlyList<string>)[r.UserName, r.DisplayName, string.Join(", ", r.Groups), assignment.ArticleTitle, r.Version, r.Status,
                Format(r.OpenedAt), Format(r.ConfirmedAt), r.Ip ?? "", Format(assignment.DueAt)]));
    }

    /// <summary>For an auditor: the article version as HTML, the confirmation list as Excel, the audit-chain verification.</summary>
    public async Task<byte[]> EvidenceAsync(Guid assignmentId, CurrentUser user, CancellationToken cancellationToken)
    {
        var (assignment, _) = await ReadersAsync(assignmentId, new ReaderFilter(), user, cancellationToken);
        var version = await db.ArticleVersions.AsNoTracking().SingleAsync(v => v.Id == assignment.VersionId, cancellationToken);
        var excel = await ExportAsync(assignmentId, new ReaderFilter(), user, cancellationToken);
        var verification = await verifier.VerifyAsync(user, cancellationToken);
        var html = $"""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>{Escape(version.Title)} {version.Label}</title></head><body>
            <h1>{Escape(version.Title)}</h1>
            <p>Version {version.Label}, published {Format(version.PublishedAt)} UTC, reviewed by {Escape(version.ReviewedBy ?? "")}.</p>
            <hr/>{MarkdownRenderer.ToHtml(version.Body)}</body></html>
            """;
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            await AddAsync(zip, $"article-{version.Label}.html", Encoding.UTF8.GetBytes(html), cancellationToken);
            await AddAsync(zip, "confirmations.xlsx", excel, cancellationToken);
            await AddAsync(zip, "audit-verification.json", JsonSerializer.SerializeToUtf8Bytes(new
            {
                verification.Ok, verification.Checked, verification.FirstBrokenId, verification.Reason, VerifiedAt = clock.GetUtcNow(), VerifiedBy = user.UserName,
                Assignment = new { assignment.Id, assignment.ArticleTitle, assignment.Version, assignment.DueAt, assignment.CreatedBy, assignment.CreatedAt },
            }, Indented), cancellationToken);
        }

        Crm.Platform.Audit.Audited.Export(db, user.UserName, "evidence", assignmentId.ToString(), null, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        return memory.ToArray();
    }

    private static async Task AddAsync(ZipArchive zip, string name, byte[] content, CancellationToken cancellationToken)
    {
        await using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        await stream.WriteAsync(content, cancellationToken);
    }

    private static string Format(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    private static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);

    private static void Require(CurrentUser user)
    {
        if (!user.IsAdmin && !user.Roles.Contains(Roles.Compliance) && !user.IsProcessOwner)
        {
            throw new ForbiddenException("The compliance view is for compliance officers, process owners and admins.");
        }
    }
}
