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
    public const string MacroEnabledWord = "application/vnd.ms-word.document.macroEnabled.12";
    public const string MacroEnabledSheet = "application/vnd.ms-excel.sheet.macroEnabled.12";
    public const string MacroEnabledSlides = "application/vnd.ms-powerpoint.presentation.macroEnabled.12";

    public static string Sniff(ReadOnlySpan<byte> head, string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (head.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return extension switch
            {
                ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                // Macro-enabled Office files: their text is read like the others (macros are never run).
                ".docm" => MacroEnabledWord,
                ".xlsm" => MacroEnabledSheet,
                ".pptm" => MacroEnabledSlides,
                _ => "application/zip",
            };
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

        if (!IsText(head))
        {
            return "application/octet-stream";
        }

        var start = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 512)]).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
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

    /// <summary>No NUL bytes and valid UTF-8 (a multi-byte character cut at the end of the head is fine).</summary>
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty || head.Contains((byte)0))
        {
            return head.IsEmpty;
        }

        var decoder = new UTF8Encoding(false, true);
        for (var cut = 0; cut < 4 && cut < head.Length; cut++)
        {
            try
            {
                decoder.GetCharCount(head[..(head.Length - cut)]);
                return true;
            }
            catch (DecoderFallbackException)
            {
                // maybe a character split at the end; try a little shorter
            }
        }

        return false;
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
