namespace Crm.Modules.Templates.Filling;

/// <summary>The fields a template needs, so the UI can show them before anyone fills it.</summary>
public static class TemplatePlaceholders
{
    /// <summary>
    /// The distinct placeholder names in reading order (body, then headers and footers; sheets in tab order),
    /// read exactly as the fillers read them, split runs included. List fields appear as <c>costs.amount</c>.
    /// </summary>
    public static IReadOnlyList<string> List(Stream template, TemplateKind kind)
    {
        // With no data every placeholder is unknown: the filler's own reading lists them, so the two cannot disagree.
        var empty = new TemplateData();
        return kind switch
        {
            TemplateKind.Docx => DocxFiller.Fill(template, empty).Unknown,
            TemplateKind.Xlsx => XlsxFiller.Fill(template, empty).Unknown,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only .docx and .xlsx templates have placeholders."),
        };
    }
}
