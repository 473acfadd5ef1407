using Ganss.Xss;
using Markdig;

namespace Crm.Modules.Knowledge;

/// <summary>
/// Article bodies are Markdown. Raw HTML in them is not rendered (escaped by Markdig), and the produced HTML
/// passes an allow-list sanitiser as well, so neither a script tag nor a javascript: link reaches a reader.
/// </summary>
public static class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static string ToHtml(string markdown) => Sanitizer.Sanitize(Markdown.ToHtml(markdown ?? "", Pipeline));

    public static string ToPlainText(string markdown) => Markdown.ToPlainText(markdown ?? "", Pipeline);

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedAttributes.Add("class");
        return sanitizer;
    }
}
