using System.Text;

namespace Crm.Storage.Extraction;

/// <summary>
/// The content type of uploaded bytes, decided from the bytes (magic numbers, valid UTF-8 text), with the
/// file name only to tell apart formats that share a container (a zip that is a .docx) or plain-text
/// dialects (csv, markdown). What the client declares is never used.
/// </summary>
public static class ContentSniffer
{
    public const int HeadLength = 8192;
    public const string MacroEnabledWord = Crm.Extraction.ExtractableTypes.MacroEnabledWord;
    public const string MacroEnabledSheet = Crm.Extraction.ExtractableTypes.MacroEnabledSheet;
    public const string MacroEnabledSlides = Crm.Extraction.ExtractableTypes.MacroEnabledSlides;

    public static string Sniff(ReadOnlySpan<byte> head, string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (head.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            // An OpenDocument file starts with its stored "mimetype" entry, whatever its name.
            if (head.Length > 38 && head[30..38].SequenceEqual("mimetype"u8) && head[38..].StartsWith("application/vnd.oasis.opendocument."u8))
            {
                var mime = Encoding.ASCII.GetString(head[38..Math.Min(head.Length, 38 + 80)]);
                var type = new string([.. mime.TakeWhile(c => c is (>= 'a' and <= 'z') or '.' or '/' or '-')]);
                if (type is Crm.Extraction.ExtractableTypes.OpenDocumentText or Crm.Extraction.ExtractableTypes.OpenDocumentSheet or Crm.Extraction.ExtractableTypes.OpenDocumentSlides)
                {
                    return type;
                }
            }

            return extension switch
            {
                ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                // Macro-enabled Office files: their text is read like the others (macros are never run).
                ".docm" => MacroEnabledWord,
                ".xlsm" => MacroEnabledSheet,
                ".pptm" => MacroEnabledSlides,
                ".odt" => Crm.Extraction.ExtractableTypes.OpenDocumentText,
                ".ods" => Crm.Extraction.ExtractableTypes.OpenDocumentSheet,
                ".odp" => Crm.Extraction.ExtractableTypes.OpenDocumentSlides,
                _ => "application/zip",
            };
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            return Crm.Extraction.ExtractableTypes.CompoundFile;   // .doc, .xls, .ppt, .msg
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']))
        {
            return "image/png";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (head.StartsWith("GIF8"u8))
        {
            return "image/gif";
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return "image/tiff";
        }

        if (head.StartsWith("BM"u8) && extension == ".bmp")
        {
            return "image/bmp";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (!IsText(head) && Crm.Extraction.Charsets.Utf16WithoutBom(head) is null)
        {
            return "application/octet-stream";
        }

        var text = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        var start = Encoding.Latin1.GetString(text[..Math.Min(text.Length, 512)]).TrimStart(' ', '\r', '\n', '\t');
        if (start.StartsWith(@"{\rtf", StringComparison.Ordinal))
        {
            return Crm.Extraction.ExtractableTypes.Rtf;
        }

        if (start.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase) || extension is ".html" or ".htm")
        {
            return "text/html";
        }

        if (extension == ".eml" || LooksLikeMail(start))
        {
            return "message/rfc822";
        }

        return extension switch
        {
            ".csv" => "text/csv",
            ".md" or ".markdown" => "text/markdown",
            _ => "text/plain",
        };
    }

    /// <summary>
    /// Text when almost every byte is a printable character or whitespace, in any 8-bit or UTF encoding: one stray
    /// control byte in a long mail does not make it binary (its text still gets read), a binary file has many.
    /// </summary>
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return true;
        }

        var controls = 0;
        foreach (var b in head)
        {
            if (b is < 0x20 and not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C or 0x1B) or 0x7F)
            {
                controls++;
            }
        }

        return controls <= Math.Max(2, head.Length / 200);
    }

    private static bool LooksLikeMail(string start) =>
        (start.StartsWith("From:", StringComparison.Ordinal) || start.StartsWith("Received:", StringComparison.Ordinal) || start.StartsWith("Return-Path:", StringComparison.Ordinal)
         || start.StartsWith("MIME-Version:", StringComparison.Ordinal) || start.StartsWith("Date:", StringComparison.Ordinal))
        && start.Contains("Subject:", StringComparison.Ordinal);

    /// <summary>
    /// A safe display name for an uploaded file: no folders, no control or format characters (a right-to-left
    /// override makes "invoice\u202Efdp.exe" look like "invoiceexe.pdf"), bounded length.
    /// </summary>
    public static string SafeFileName(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        var clean = new string([.. last.Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format
            && c is not ('<' or '>' or ':' or '"' or '|' or '?' or '*'))]).Trim().TrimStart('.');
        if (clean.Length > 200)
        {
            var extension = Path.GetExtension(clean);
            clean = clean[..(200 - Math.Min(extension.Length, 20))] + extension[..Math.Min(extension.Length, 20)];
        }

        return clean.Length == 0 ? "file" : clean;
    }
}
