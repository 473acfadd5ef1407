namespace Crm.Extraction;

/// <summary>Text files (txt, csv, markdown, HTML) in their own encoding, read only up to what the cap can hold.</summary>
public static class PlainText
{
    public static void Read(Stream content, bool html, TextSink sink, int maxChars)
    {
        // A character is at most 4 bytes: no need to read more than that many bytes for the cap.
        var limit = (int)Math.Min(content.Length, Math.Min((long)maxChars * 4, int.MaxValue - 64));
        var bytes = new byte[limit];
        content.ReadExactly(bytes);
        var declared = html ? Charsets.HtmlDeclared(bytes) : null;
        var text = Charsets.Decode(bytes, Charsets.Detect(bytes, declared));
        sink.Append(html ? Html.ToText(text) : text);
    }
}
