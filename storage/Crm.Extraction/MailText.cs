using System.Net;
using System.Text;
using MimeKit;

namespace Crm.Extraction;

/// <summary>
/// Text of a mail: subject, people, every text part (plain preferred, HTML stripped when a part has no plain
/// twin), attachment names and attached mails. A part's declared charset is honoured; an undeclared or lying one
/// is detected, so an 8-bit windows-1252 body reads as "ønsker", not "\ufffdnsker".
/// </summary>
public static class MailText
{
    public static void Read(Stream content, TextSink sink, int depth = 0)
    {
        // Persistent: parts stay in the file and are read when decoded, so a mail with a 50 MB attachment is not
        // copied into memory first.
        var message = MimeMessage.Load(content, persistent: content.CanSeek);
        Read(message, sink, depth);
    }

    private static void Read(MimeMessage message, TextSink sink, int depth)
    {
        sink.Append(Subject(message));
        sink.Break();
        sink.Append(message.From.ToString());
        sink.Break();
        sink.Append(message.To.ToString());
        sink.Break();
        if (message.Cc.Count > 0)
        {
            sink.Append(message.Cc.ToString());
            sink.Break();
        }

        foreach (var part in Walk(message.Body))
        {
            if (sink.Full)
            {
                return;
            }

            switch (part)
            {
                case MessagePart { Message: { } attached } when depth < 3:
                    Read(attached, sink, depth + 1);
                    break;
                case TextPart text when !text.IsAttachment && (text.IsPlain || text.IsHtml || text.ContentType.MediaSubtype.Equals("enriched", StringComparison.OrdinalIgnoreCase)):
                    if (text.IsHtml && HasPlainTwin(text, message.Body))
                    {
                        break;   // the plain alternative says the same
                    }

                    var body = Decode(text, sink.Room);
                    sink.Append(text.IsHtml ? Html.ToText(body) : body);
                    sink.Break();
                    break;
                case MimePart attachment when attachment.FileName is { Length: > 0 } name:
                    sink.Append(name);
                    sink.Break();
                    break;
            }
        }
    }

    /// <summary>
    /// The subject; a raw 8-bit subject (no encoded words) that is not UTF-8 is read in the charset of the mail's
    /// text (its declared one, or detected), which is what the sender's program used.
    /// </summary>
    private static string Subject(MimeMessage message)
    {
        var header = message.Headers.FirstOrDefault(h => h.Id == HeaderId.Subject);
        if (header is null || Charsets.IsUtf8(header.RawValue))
        {
            return message.Subject ?? "";
        }

        var declared = message.BodyParts.OfType<TextPart>().Select(p => p.ContentType.Charset).FirstOrDefault(c => c is not null);
        return header.GetValue(Charsets.Detect(header.RawValue, declared)).Trim();
    }

    private static IEnumerable<MimeEntity> Walk(MimeEntity? entity)
    {
        if (entity is Multipart multipart)
        {
            foreach (var child in multipart.SelectMany(Walk))
            {
                yield return child;
            }
        }
        else if (entity is not null)
        {
            yield return entity;
        }
    }

    private static bool HasPlainTwin(TextPart html, MimeEntity? body) =>
        FindParent(body, html) is MultipartAlternative alternative && alternative.OfType<TextPart>().Any(p => p.IsPlain);

    private static Multipart? FindParent(MimeEntity? root, MimeEntity child)
    {
        if (root is not Multipart multipart)
        {
            return null;
        }

        return multipart.Contains(child) ? multipart : multipart.Select(c => FindParent(c, child)).FirstOrDefault(p => p is not null);
    }

    /// <summary>The part's transfer-decoded bytes in its declared charset, or the detected one.</summary>
    private static string Decode(TextPart part, int room)
    {
        // Only as many bytes as the rest of the character cap can use (a character is at most 4 bytes; HTML
        // markup is dropped later, so it gets more): a huge part neither fills memory nor times out a regex.
        using var bytes = new MemoryStream();
        using (var capped = new CappedWriteStream(bytes, Math.Min(64L * 1024 * 1024, (long)room * (part.IsHtml ? 16 : 4))))
        {
            part.Content?.DecodeTo(capped);
        }

        var raw = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        var declared = part.ContentType.Charset;
        if (part.IsHtml && declared is null)
        {
            declared = Charsets.HtmlDeclared(raw);
        }

        return Charsets.Decode(raw, Charsets.Detect(raw, declared));
    }
}

/// <summary>Keeps the first bytes written and drops the rest (no exception, so the decoder finishes quietly).</summary>
internal sealed class CappedWriteStream(Stream inner, long cap) : Stream
{
    public override void Write(byte[] buffer, int offset, int count)
    {
        var room = (int)Math.Max(0, Math.Min(count, cap - inner.Length));
        if (room > 0)
        {
            inner.Write(buffer, offset, room);
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => inner.Length;
    public override long Position { get => inner.Length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Visible text of HTML: scripts and styles dropped, tags become spaces, entities decoded.</summary>
public static partial class Html
{
    public static string ToText(string html) =>
        WebUtility.HtmlDecode(Tags().Replace(ScriptsAndStyles().Replace(html, " "), " "));

    [System.Text.RegularExpressions.GeneratedRegex(@"<(script|style)[^>]*>.*?</\1>", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase, 5000)]
    private static partial System.Text.RegularExpressions.Regex ScriptsAndStyles();

    [System.Text.RegularExpressions.GeneratedRegex("<[^>]*>", System.Text.RegularExpressions.RegexOptions.None, 5000)]
    private static partial System.Text.RegularExpressions.Regex Tags();
}
