using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

public sealed record RegisterQuery(Guid? DocumentId, string? UserName, string? Kind, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize);

public sealed record RegisterRow(DateTimeOffset At, string UserName, string Kind, Guid? DocumentId, string? DocumentTitle, int? Version, string? Ip, string? Client, string? Details);

/// <summary>
/// The register of who viewed, downloaded or previewed which version, from where, and every change. Per
/// document for its managers, compliance officers and admins; across documents (per user) for compliance
/// officers and admins. Exportable to Excel.
/// </summary>
public sealed class AccessRegister(CrmDbContext db, DocumentAccess access)
{
    public const int MaxExportRows = 100_000;

    public async Task<PagedList<RegisterRow>> ListAsync(RegisterQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var rows = await FilteredAsync(query, user, cancellationToken);
        var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
        var total = await rows.CountAsync(cancellationToken);
        var items = (await Project(rows.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(cancellationToken)).Select(Map).ToList();
        return new PagedList<RegisterRow>(items, total, page, pageSize);
    }

    /// <summary>Who read what (and searched for what): the register's, for managers and compliance, never the history every reader sees.</summary>
    private static readonly DocumentEventKind[] Reads = [DocumentEventKind.Viewed, DocumentEventKind.Downloaded, DocumentEventKind.Previewed,
        DocumentEventKind.Compared, DocumentEventKind.Copied, DocumentEventKind.SnippetShown];

    /// <summary>What happened to a document (versions, status, locks, permissions) for anyone who may read it; reads are in the register.</summary>
    public async Task<List<RegisterRow>> HistoryAsync(Guid documentId, CurrentUser user, CancellationToken cancellationToken)
    {
        await access.RequireAsync(documentId, DocumentRights.Read, user, cancellationToken);
        var rows = db.DocumentEvents.AsNoTracking().Where(e => e.DocumentId == documentId && !Reads.Contains(e.Kind)).OrderByDescending(e => e.At).Take(500);
        return [.. (await Project(rows).ToListAsync(cancellationToken)).Select(Map)];
    }

    /// <summary>The same rows as an .xlsx workbook (one sheet, a header row, filters as asked).</summary>
    public async Task<byte[]> ExportAsync(RegisterQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var rows = (await Project((await FilteredAsync(query, user, cancellationToken)).OrderByDescending(e => e.At).Take(MaxExportRows)).ToListAsync(cancellationToken)).Select(Map).ToList();
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "register", query.DocumentId?.ToString(), new { query.UserName, query.Kind, query.From, query.To }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Register", ["When (UTC)", "User", "Action", "Document", "Version", "IP", "Client", "Details"], rows.Select(r => (IReadOnlyList<string>)
        [
            r.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), r.UserName, r.Kind,
            r.DocumentTitle ?? r.DocumentId?.ToString() ?? "", r.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", r.Ip ?? "", r.Client ?? "", r.Details ?? "",
        ]));
    }

    private async Task<IQueryable<DocumentEvent>> FilteredAsync(RegisterQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var seesAll = user.IsAdmin || user.Roles.Contains(Roles.Compliance);
        var rows = db.DocumentEvents.AsNoTracking();
        if (query.DocumentId is { } documentId)
        {
            if (!seesAll)
            {
                await access.RequireAsync(documentId, DocumentRights.Manage, user, cancellationToken);
            }

            rows = rows.Where(e => e.DocumentId == documentId);
        }
        else if (!seesAll)
        {
            throw new ForbiddenException("The register across documents is for compliance officers and admins.");
        }

        if (!string.IsNullOrWhiteSpace(query.UserName))
        {
            rows = rows.Where(e => e.UserName == query.UserName);
        }

        if (!string.IsNullOrWhiteSpace(query.Kind))
        {
            var kind = Enum.TryParse<DocumentEventKind>(query.Kind, true, out var k) && Enum.IsDefined(k) ? k
                : throw ValidationFailedException.For("kind", $"Use one of: {string.Join(", ", Enum.GetNames<DocumentEventKind>())}.");
            rows = rows.Where(e => e.Kind == kind);
        }

        if (query.From is { } from)
        {
            rows = rows.Where(e => e.At >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(e => e.At <= to);
        }

        return rows;
    }

    private IQueryable<RawRow> Project(IQueryable<DocumentEvent> rows) =>
        from e in rows
        join d in db.Documents on e.DocumentId equals d.Id into docs
        from d in docs.DefaultIfEmpty()
        select new RawRow(e.At, e.UserName, e.Kind, e.DocumentId, d == null ? null : d.Title, e.Version, e.Ip, e.Client, e.Details);

    private static RegisterRow Map(RawRow r) => new(r.At, r.UserName, r.Kind.ToString(), r.DocumentId, r.Title, r.Version, r.Ip, r.Client, r.Details);

    private sealed record RawRow(DateTimeOffset At, string UserName, DocumentEventKind Kind, Guid? DocumentId, string? Title, int? Version, string? Ip, string? Client, string? Details);
}
