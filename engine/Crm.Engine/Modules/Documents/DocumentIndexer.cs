using System.Text;
using System.Text.Json.Nodes;
using Crm.Platform.Persistence;
using Crm.Storage.Extraction;
using Crm.Storage.Objects;
using Crm.Storage.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>
/// Turns a document row into what the index holds: title, metadata, the current version's extracted text,
/// its folder path, and who may read it (folder entries with read along the path, and the document's own
/// narrowing entries). Extracts the text on first need and keeps it on the version row.
/// </summary>
public sealed class DocumentIndexer(CrmDbContext db, IObjectStore objects)
{
    /// <summary>The kind of a document's index entries.</summary>
    public const string Kind = "document";

    public static readonly ExtractionLimits Limits = new();

    private Dictionary<Guid, Guid?>? _parents;

    public async Task<IndexEntry?> BuildAsync(Guid documentId, CancellationToken cancellationToken)
    {
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null)
        {
            return null;
        }

        var version = await db.DocumentVersions.SingleAsync(v => v.DocumentId == documentId && v.Number == document.CurrentVersion, cancellationToken);
        var text = await TextOfAsync(version, cancellationToken);
        _parents ??= await db.Folders.AsNoTracking().ToDictionaryAsync(f => f.Id, f => f.ParentId, cancellationToken);
        var path = FolderService.Ancestry(document.FolderId, _parents);
        var folderAcl = (await db.FolderPermissions.AsNoTracking().Where(p => path.Contains(p.FolderId) && (p.Rights & DocumentRights.Read) != 0)
                .Select(p => new { p.PrincipalType, p.PrincipalId }).ToListAsync(cancellationToken))
            .Select(p => DocumentAccess.Token(p.PrincipalType, p.PrincipalId)).Distinct().ToList();
        List<string>? itemAcl = null;
        if (document.HasOwnPermissions)
        {
            itemAcl = [.. (await db.DocumentPermissions.AsNoTracking().Where(p => p.DocumentId == documentId && (p.Rights & DocumentRights.Read) != 0)
                    .Select(p => new { p.PrincipalType, p.PrincipalId }).ToListAsync(cancellationToken))
                .Select(p => DocumentAccess.Token(p.PrincipalType, p.PrincipalId))];
            if (itemAcl.Count == 0)
            {
                itemAcl = ["nobody"];   // narrowed to no one: only admins see it
            }
        }

        return new IndexEntry(document.Id.ToString(), Kind, document.Title, text, MetadataText(document, version),
            [.. path.Select(p => p.ToString())], document.Type, document.Status.ToString().ToLowerInvariant(), document.Owner,
            document.ReceivedAt ?? document.CreatedAt, folderAcl, itemAcl);
    }

    /// <summary>The version's text, extracting (bounded) and saving it the first time.</summary>
    public async Task<string?> TextOfAsync(DocumentVersion version, CancellationToken cancellationToken)
    {
        if (version.Extracted)
        {
            return version.ExtractedText;
        }

        var result = await ExtractAsync(version.Sha256, version.ContentType, version.Size, cancellationToken);
        version.ExtractedText = result.Text;
        version.ExtractionError = result.Error is { Length: > 2000 } error ? error[..2000] : result.Error;
        version.Extracted = true;
        await db.SaveChangesAsync(cancellationToken);
        return version.ExtractedText;
    }

    private const long InMemoryLimit = 16 * 1024 * 1024;

    private async Task<ExtractionResult> ExtractAsync(string sha256, string contentType, long size, CancellationToken cancellationToken)
    {
        if (!TextExtractor.CanExtract(contentType))
        {
            return new ExtractionResult(null, null);
        }

        try
        {
            // Parsers need a seekable stream: small files in memory, large ones spooled to a temporary file.
            await using var source = await objects.OpenReadAsync(ContentHash.Parse(sha256), cancellationToken);
            if (size <= InMemoryLimit)
            {
                using var memory = new MemoryStream((int)size);
                await source.CopyToAsync(memory, cancellationToken);
                return await TextExtractor.ExtractAsync(memory, contentType, Limits, cancellationToken);
            }

            var path = Path.Combine(Path.GetTempPath(), $"crm-extract-{Guid.NewGuid():N}");
            try
            {
                await using (var file = File.Create(path))
                {
                    await source.CopyToAsync(file, cancellationToken);
                }

                await using var spooled = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
                return await TextExtractor.ExtractAsync(spooled, contentType, Limits, cancellationToken);
            }
            finally
            {
                File.Delete(path);
            }
        }
        catch (ObjectNotFoundException ex)
        {
            return ExtractionResult.Failed(ex.Message);
        }
    }

    private static string MetadataText(Document document, DocumentVersion version)
    {
        var text = new StringBuilder();
        text.Append(document.Type).Append(' ').Append(document.Source).Append(' ').Append(document.Tags.Replace(',', ' ')).Append(' ').Append(version.FileName);
        if (document.Metadata is { } metadata && JsonNode.Parse(metadata) is JsonObject values)
        {
            foreach (var (name, value) in values)
            {
                text.Append(' ').Append(name).Append(' ').Append(value?.ToString());
            }
        }

        return text.ToString();
    }
}
