using System.Text;
using System.Text.RegularExpressions;

namespace Crm.Extraction;

/// <summary>
/// Which encoding bytes of text are in: a byte-order mark, then what the file declares (an HTML meta tag, a MIME
/// charset), then valid UTF-8, then a statistical detector (UTF.Unknown) over the head, and windows-1250 (the
/// Polish office code page) when nothing is sure. Legacy code pages come from CodePagesEncodingProvider.
/// </summary>
public static partial class Charsets
{
    private const int DetectLength = 64 * 1024;

    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Fallback => Encoding.GetEncoding(1250);

    /// <summary>An encoding by its name (as declared in a file), or null when unknown here.</summary>
    public static Encoding? ByName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            // Browsers read a declared ISO-8859-1 as windows-1252 (the superset); so do we.
            var trimmed = name.Trim().Trim('"', '\'');
            return trimmed.ToLowerInvariant() is "iso-8859-1" or "latin1" or "us-ascii" or "ascii" ? Encoding.GetEncoding(1252) : Encoding.GetEncoding(trimmed);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The encoding of <paramref name="head"/>, honouring <paramref name="declared"/> when it is a real one.</summary>
    public static Encoding Detect(ReadOnlySpan<byte> head, string? declared = null)
    {
        if (Bom(head) is { } bom)
        {
            return bom;
        }

        // A declared UTF-8 that is not valid UTF-8 is a lie often told by mail programs: detect instead. A declared
        // UTF-16/32 without a byte-order mark is read as browsers do (the bytes are ASCII-compatible if it parsed).
        if (ByName(declared) is { } named && named.CodePage is not (1200 or 1201 or 12000 or 12001) && (named.CodePage != 65001 || IsUtf8(head)))
        {
            return named;
        }

        if (Utf16WithoutBom(head) is { } utf16)
        {
            return utf16;
        }

        if (IsUtf8(head))
        {
            return Encoding.UTF8;
        }

        var detected = UtfUnknown.CharsetDetector.DetectFromBytes(head[..Math.Min(head.Length, DetectLength)].ToArray()).Detected;
        if (detected is { Confidence: >= 0.5f } && ByName(detected.EncodingName) is { } guess && guess.CodePage != 65001)
        {
            return guess;
        }

        return Fallback;
    }

    /// <summary>The charset an HTML page declares in its first bytes (meta charset or http-equiv).</summary>
    public static string? HtmlDeclared(ReadOnlySpan<byte> head)
    {
        var start = Encoding.Latin1.GetString(head[..Math.Min(head.Length, 4096)]);
        var match = MetaCharset().Match(start);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>Decodes text, replacing what cannot be decoded (never throws on a stray byte).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        var preamble = encoding.Preamble;
        if (bytes.StartsWith(preamble))
        {
            bytes = bytes[preamble.Length..];
        }

        return encoding.GetString(bytes);
    }

    private static Encoding? Bom(ReadOnlySpan<byte> head) => head switch
    {
        [0xEF, 0xBB, 0xBF, ..] => Encoding.UTF8,
        [0xFF, 0xFE, 0, 0, ..] => Encoding.UTF32,
        [0, 0, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        [0xFF, 0xFE, ..] => Encoding.Unicode,
        [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
        _ => null,
    };

    /// <summary>UTF-16 without a byte-order mark (one byte of nearly every pair is zero), little or big endian.</summary>
    public static Encoding? Utf16WithoutBom(ReadOnlySpan<byte> head)
    {
        if (head.Length < 16)
        {
            return null;
        }

        var sample = head[..Math.Min(head.Length, 8192)];
        int evenZeros = 0, oddZeros = 0, pairs = sample.Length / 2;
        for (var i = 0; i + 1 < sample.Length; i += 2)
        {
            evenZeros += sample[i] == 0 ? 1 : 0;
            oddZeros += sample[i + 1] == 0 ? 1 : 0;
        }

        return oddZeros > pairs * 0.7 && evenZeros < pairs * 0.05 ? Encoding.Unicode
            : evenZeros > pairs * 0.7 && oddZeros < pairs * 0.05 ? Encoding.BigEndianUnicode : null;
    }

    /// <summary>Valid UTF-8, allowing a character cut at the end of the head.</summary>
    public static bool IsUtf8(ReadOnlySpan<byte> head)
    {
        for (var cut = 0; cut < 4 && cut <= head.Length; cut++)
        {
            if (System.Text.Unicode.Utf8.IsValid(head[..(head.Length - cut)]))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?\s*([A-Za-z0-9_:.\-]+)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex MetaCharset();
}
