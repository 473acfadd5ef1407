using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

public sealed record DiffLine(string Change, string Text);

public sealed record VersionComparison(int From, int To, int Inserted, int Deleted, IReadOnlyList<DiffLine> Lines);

/// <summary>
/// Compares two versions of a document by their extracted text, line by line (DiffPlex). The result is the full
/// text of both versions, so it needs the download right and is recorded in the register.
/// </summary>
public sealed class DocumentCompare(CrmDbContext db, DocumentAccess access, DocumentIndexer indexer, DocumentService documents)
{
    public async Task<VersionComparison> CompareAsync(Guid id, int from, int to, CurrentUser user, AccessContext client, CancellationToken cancellationToken)
    {
        await access.RequireAsync(id, DocumentRights.Download, user, cancellationToken);
        var versions = await db.DocumentVersions.Where(v => v.DocumentId == id && (v.Number == from || v.Number == to)).ToListAsync(cancellationToken);
        var older = versions.SingleOrDefault(v => v.Number == from) ?? throw new NotFoundException($"Document {id} has no version {from}.");
        var newer = versions.SingleOrDefault(v => v.Number == to) ?? throw new NotFoundException($"Document {id} has no version {to}.");
        var oldText = await indexer.TextOfAsync(older, cancellationToken) ?? "";
        var newText = await indexer.TextOfAsync(newer, cancellationToken) ?? "";
        var diff = InlineDiffBuilder.Diff(oldText, newText, ignoreWhiteSpace: false);
        var lines = diff.Lines.Select(l => new DiffLine(l.Type switch
        {
            ChangeType.Inserted => "inserted",
            ChangeType.Deleted => "deleted",
            ChangeType.Modified => "modified",
            _ => "unchanged",
        }, l.Text)).ToList();
        documents.Record(id, to, DocumentEventKind.Compared, user.UserName, client, new { from, to });
        await db.SaveChangesAsync(cancellationToken);
        return new VersionComparison(from, to, lines.Count(l => l.Change == "inserted"), lines.Count(l => l.Change == "deleted"), lines);
    }
}
