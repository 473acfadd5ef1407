using Ganss.Xss;

namespace Crm.Modules.Documents.Previews;

/// <summary>
/// An HTML letter made harmless for display: scripts, event handlers, frames, forms and javascript: links go; so do
/// remote pictures (a tracking pixel would tell the sender who read the letter and when). The preview response adds
/// a CSP without scripts and the page shows it in a sandboxed frame, so a sanitiser miss still runs nothing.
/// </summary>
public static class SafeHtml
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string Sanitize(string html) => Sanitizer.SanitizeDocument(html);

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("data");
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedTags.Add("style");
        sanitizer.FilterUrl += (_, e) =>
        {
            // Pictures only from inside the letter (data:image/...); links may point to the web but never to data:.
            var url = e.SanitizedUrl ?? "";
            var embeddedPicture = url.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase);
            var picture = string.Equals(e.Tag?.TagName, "IMG", StringComparison.OrdinalIgnoreCase);
            if (picture ? !embeddedPicture : url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                e.SanitizedUrl = null;
            }
        };
        return sanitizer;
    }
}
