using Crm.Extraction;

namespace Crm.Modules.Documents.Previews;

/// <summary>How a version of a given content type is shown in the browser.</summary>
public enum PreviewKind
{
    /// <summary>No preview: the page offers the download.</summary>
    None,
    /// <summary>Plain text, re-encoded to UTF-8 from whatever charset it was written in.</summary>
    Text,
    /// <summary>An HTML letter: sanitised, then shown in a sandboxed frame.</summary>
    Html,
    /// <summary>A PDF in the browser's own viewer.</summary>
    Pdf,
    /// <summary>A picture, as it is.</summary>
    Image,
    /// <summary>A Word, Excel, PowerPoint or OpenDocument file through a PDF made by LibreOffice.</summary>
    Office,
}

public static class PreviewKinds
{
    public static PreviewKind Of(string contentType) => contentType switch
    {
        "text/plain" or "text/csv" or "text/markdown" => PreviewKind.Text,
        "text/html" => PreviewKind.Html,
        "application/pdf" => PreviewKind.Pdf,
        "image/png" or "image/jpeg" or "image/gif" or "image/webp" or "image/bmp" => PreviewKind.Image,
        // Macro-enabled files are left out on purpose: a preview should never be the reason a macro gets a chance.
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            or "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            or ExtractableTypes.OpenDocumentText or ExtractableTypes.OpenDocumentSheet or ExtractableTypes.OpenDocumentSlides
            or ExtractableTypes.Rtf or ExtractableTypes.CompoundFile => PreviewKind.Office,
        _ => PreviewKind.None,
    };
}
