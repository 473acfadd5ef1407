using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Crm.Modules.Templates.Filling;

/// <summary>
/// Fills <c>{{key}}</c> placeholders in a .docx (body, headers, footers, footnotes, endnotes). A table row whose
/// placeholders name a list (<c>{{costs.amount}}</c>) is repeated once per list row; an empty list removes it.
/// </summary>
public static class DocxFiller
{
    public static TemplateFillResult Fill(Stream template, TemplateData data)
    {
        using var buffer = new MemoryStream();
        template.CopyTo(buffer);
        var scope = new FillScope(data);
        using (var document = WordprocessingDocument.Open(buffer, isEditable: true))
        {
            if (document.DocumentType == WordprocessingDocumentType.Template)
            {
                document.ChangeDocumentType(WordprocessingDocumentType.Document);
            }

            var main = document.MainDocumentPart ?? throw new InvalidDataException("The file is not a Word document: it has no main document part.");
            foreach (var root in Roots(main))
            {
                FillRoot(root, scope);
            }
        }

        return new TemplateFillResult(buffer.ToArray(), [.. scope.Unknown]);
    }

    /// <summary>The parts whose text a reader sees, body first so unknown placeholders are listed in reading order.</summary>
    internal static IEnumerable<OpenXmlPartRootElement> Roots(MainDocumentPart main)
    {
        IEnumerable<OpenXmlPartRootElement?> roots =
        [
            main.Document,
            .. main.HeaderParts.Select(p => p.Header),
            .. main.FooterParts.Select(p => p.Footer),
            main.FootnotesPart?.Footnotes,
            main.EndnotesPart?.Endnotes,
        ];
        return roots.OfType<OpenXmlPartRootElement>();
    }

    private static void FillRoot(OpenXmlPartRootElement root, FillScope scope)
    {
        // Paragraphs filled inside repeated rows are skipped below, so a value that looks like "{{x}}" stays text.
        var filled = new HashSet<Paragraph>();
        foreach (var row in root.Descendants<TableRow>().ToList())
        {
            if (row.Ancestors<OpenXmlPartRootElement>().FirstOrDefault() != root || ListOf(row, scope.Data) is not { } list)
            {
                continue;   // a row inside a row already repeated (and removed), or an ordinary row
            }

            foreach (var item in scope.Data.Rows(list))
            {
                var copy = row.InsertBeforeSelf((TableRow)row.CloneNode(true));
                var rowScope = scope.ForRow(list, item);
                foreach (var paragraph in copy.Descendants<Paragraph>())
                {
                    FillParagraph(paragraph, rowScope);
                    filled.Add(paragraph);
                }
            }

            row.Remove();
        }

        foreach (var paragraph in root.Descendants<Paragraph>().Where(p => !filled.Contains(p)).ToList())
        {
            FillParagraph(paragraph, scope);
        }
    }

    /// <summary>The first list named by a placeholder in the row, or null for an ordinary row.</summary>
    private static string? ListOf(TableRow row, TemplateData data) =>
        row.Descendants<Paragraph>()
            .SelectMany(p => PlaceholderText.Keys(TextOf(p)))
            .Select(data.ListOf)
            .FirstOrDefault(list => list is not null);

    internal static string TextOf(Paragraph paragraph) => string.Concat(OwnTexts(paragraph).Select(t => t.Text));

    /// <summary>The paragraph's w:t elements in order, without those of paragraphs nested in it (text boxes).</summary>
    private static List<Text> OwnTexts(Paragraph paragraph) =>
        [.. paragraph.Descendants<Text>().Where(t => t.Ancestors<Paragraph>().First() == paragraph)];

    private static void FillParagraph(Paragraph paragraph, FillScope scope)
    {
        var touched = PlaceholderText.Replace(OwnTexts(paragraph), key => scope.Resolve(key).ReplaceLineEndings("\n"));
        foreach (var text in touched)
        {
            text.Space = SpaceProcessingModeValues.Preserve;
            WriteBreaksAndTabs(text);
            if (text.Text.Length == 0)
            {
                var run = text.Parent;
                text.Remove();
                if (run is Run && run.ChildElements.All(c => c is RunProperties))
                {
                    run.Remove();   // the placeholder's tail lived alone in this run
                }
            }
        }
    }

    /// <summary>Word ignores line feeds and tabs inside w:t: they become w:br and w:tab siblings in the same run.</summary>
    private static void WriteBreaksAndTabs(Text text)
    {
        var parts = text.Text.Split(['\n', '\t']);
        if (parts.Length == 1)
        {
            return;
        }

        var separators = text.Text.Where(c => c is '\n' or '\t').ToList();
        text.Text = parts[0];
        OpenXmlElement last = text;
        for (var i = 1; i < parts.Length; i++)
        {
            last = last.InsertAfterSelf<OpenXmlElement>(separators[i - 1] == '\n' ? new Break() : new TabChar());
            if (parts[i].Length > 0)
            {
                last = last.InsertAfterSelf(new Text(parts[i]) { Space = SpaceProcessingModeValues.Preserve });
            }
        }
    }
}
