using System.IO.Compression;
using System.Text;

namespace Crm.Extraction;

/// <summary>
/// Last-resort readers. Legacy binary Office and Outlook files (.doc, .xls, .ppt, .msg: OLE compound files) are
/// not parsed: their text is recovered by scanning the bytes for runs of readable text, as UTF-16 (how Word,
/// Excel and Outlook store anything beyond ASCII) and as 8-bit text in the Polish or Western code page. Layout is
/// lost and some noise comes along, but the words people search for are found. A zip archive's text is the names
/// of the files in it.
/// </summary>
public static class LegacyText
{
    /// <summary>Runs shorter than this many letters are noise (binary structures look like short words).</summary>
    private const int MinRun = 4;

    public static void ReadCompoundFile(Stream content, TextSink sink, int maxChars)
    {
        var limit = (int)Math.Min(content.Length, Math.Min((long)maxChars * 8, 64L * 1024 * 1024));
        var bytes = new byte[limit];
        content.ReadExactly(bytes);
        Utf16Runs(bytes, sink);
        if (!sink.Full)
        {
            ByteRuns(bytes, sink);
        }
    }

    public static void ReadZipNames(Stream content, TextSink sink)
    {
        using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        foreach (var entry in zip.Entries)
        {
            // "Faktura_Wrocław_2026.pdf" is one word to the tokenizer: its parts are words too.
            var parts = string.Join(' ', entry.FullName.Split(['/', '\\', '_', '.', '-'], StringSplitOptions.RemoveEmptyEntries));
            if (!sink.Append(entry.FullName) || !sink.Append(' ') || !sink.Append(parts))
            {
                return;
            }

            sink.Break();
        }
    }

    /// <summary>Little-endian UTF-16 runs: letters, digits, spaces and punctuation, at least <see cref="MinRun"/> letters.</summary>
    private static void Utf16Runs(byte[] bytes, TextSink sink)
    {
        var run = new StringBuilder();
        for (var offset = 0; offset < 2; offset++)
        {
            for (var i = offset; i + 1 < bytes.Length; i += 2)
            {
                var c = (char)(bytes[i] | (bytes[i + 1] << 8));
                if (Readable(c))
                {
                    run.Append(c);
                    continue;
                }

                if (!Flush(run, sink))
                {
                    return;
                }
            }

            Flush(run, sink);
        }
    }

    /// <summary>8-bit runs (ASCII plus the code page's letters), decoded as windows-1250.</summary>
    private static void ByteRuns(byte[] bytes, TextSink sink)
    {
        var encoding = Charsets.Fallback;
        var start = -1;
        for (var i = 0; i <= bytes.Length; i++)
        {
            var readable = i < bytes.Length && bytes[i] is (>= 0x20 and < 0x7F) or (>= 0xA0) or (byte)'\t';
            if (readable)
            {
                start = start < 0 ? i : start;
                continue;
            }

            if (start >= 0)
            {
                var run = new StringBuilder(encoding.GetString(bytes, start, i - start));
                if (!Flush(run, sink))
                {
                    return;
                }

                start = -1;
            }
        }
    }

    private static bool Readable(char c) =>
        char.IsLetterOrDigit(c) || c is ' ' or '\t' or '.' or ',' or ';' or ':' or '-' or '/' or '(' or ')' or '!' or '?' or '"' or '\'' or '%' or '@' or '&';

    private static bool Flush(StringBuilder run, TextSink sink)
    {
        var letters = 0;
        foreach (var c in run.ToString())
        {
            letters += char.IsLetter(c) ? 1 : 0;
        }

        var keep = letters >= MinRun && letters * 2 >= run.Length;
        var ok = !keep || (sink.Append(run.ToString().Trim()) && sink.Append('\n'));
        run.Clear();
        return ok;
    }
}
