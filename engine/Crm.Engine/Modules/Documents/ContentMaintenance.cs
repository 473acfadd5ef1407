using Crm.Platform.Persistence;
using Crm.Storage.Extraction;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>A version whose text could not be read, as listed for administrators.</summary>
public sealed record UnreadVersion(Guid DocumentId, string Title, int Version, string FileName, string ContentType, string? Error, bool Quarantined);

/// <summary>What the content pipeline of this node can do and what it could not read.</summary>
public sealed record ContentMaintenanceView(
    bool WorkerReady, bool PdfToText, bool Ocr, string? OcrLanguages, int Workers, long WorkerMemoryMB, int WorkersStarted,
    int Quarantined, int Failed, IReadOnlyList<UnreadVersion> Unread, IReadOnlyList<HousekeepingRun> Housekeeping, string SearchStemming = "light");

/// <summary>
/// The administrators' view of the content pipeline: which readers this node has (pdftotext, OCR), the current
/// versions whose text was not extracted (quarantined ones first, each with a retry on the document page), and
/// what housekeeping last did. Administrators only: titles of every document are listed.
/// </summary>
public sealed class ContentMaintenance(CrmDbContext db, ExtractionWorkerPool workers, HousekeepingReport report, BlobCollector collector, Crm.Storage.Search.SearchIndex index)
{
    public async Task<ContentMaintenanceView> GetAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var ready = workers.Capabilities;
        var current = db.DocumentVersions.AsNoTracking()
            .Where(v => v.Extracted && v.ExtractionError != null && db.Documents.Any(d => d.Id == v.DocumentId && d.CurrentVersion == v.Number));
        var quarantined = await current.CountAsync(v => v.ExtractionQuarantined, cancellationToken);
        var failed = await current.CountAsync(cancellationToken);
        var unread = await current.OrderByDescending(v => v.ExtractionQuarantined).ThenByDescending(v => v.CreatedAt).Take(100)
            .Join(db.Documents, v => v.DocumentId, d => d.Id, (v, d) => new UnreadVersion(d.Id, d.Title, v.Number, v.FileName, v.ContentType, v.ExtractionError, v.ExtractionQuarantined))
            .ToListAsync(cancellationToken);
        return new ContentMaintenanceView(ready?.Ready ?? false, ready?.PdfToText ?? false, ready?.Ocr ?? false, ready?.OcrLanguages,
            workers.Options.Workers, workers.Options.MemoryLimitBytes / 1024 / 1024, workers.WorkersStarted, quarantined, failed, unread, report.Last(), index.Stemming);
    }

    /// <summary>Runs the blob collector now (with its normal grace period) and reports what it did.</summary>
    public async Task<HousekeepingRun> CollectBlobsAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var run = await collector.CollectAsync(BlobCollector.Grace, cancellationToken);
        report.Add(run);
        return run;
    }

    private static void RequireAdmin(CurrentUser user)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only administrators see the content pipeline's maintenance.");
        }
    }
}
