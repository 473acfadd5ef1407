using Crm.Tests;
using Xunit;

namespace Crm.Server.Tests.Accessibility;

/// <summary>
/// MudBlazor's select, autocomplete and picker fields render their arrow or calendar as an icon button with no name;
/// axe reports it as critical and a screen reader says only "button". Every such field in the pages names its button
/// (<c>AdornmentAriaLabel</c>, usually the field's label). The browser's axe run covers the main pages; this rule
/// covers the fields on pages and in states it does not reach.
/// </summary>
public sealed class AdornmentNamesTests
{
    private static readonly string[] FieldsWithButton =
        ["MudSelect", "MudAutocomplete", "MudDatePicker", "MudTimePicker", "MudDateRangePicker", "MudColorPicker"];

    [Fact]
    public void EverySelectAutocompleteAndPicker_NamesItsButton()
    {
        var designer = Path.Combine(Directory.GetParent(TestCorpus.Folder)!.Parent!.FullName, "designer", "Crm.Designer");
        var files = Directory.EnumerateFiles(designer, "*.razor", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} pages found: is the designer folder where the test looks?");

        var unnamed = new List<string>();
        var seen = 0;
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var (tag, line, attributes) in Tags(text))
            {
                seen++;
                if (!attributes.Contains("AdornmentAriaLabel=", StringComparison.Ordinal))
                {
                    unnamed.Add($"{Path.GetFileName(file)}:{line} <{tag}>");
                }
            }
        }

        Assert.True(seen > 50, $"only {seen} fields found: does the scan still read the tags?");
        Assert.True(unnamed.Count == 0, "fields whose button has no name:\n" + string.Join("\n", unnamed));
    }

    /// <summary>The opening tags of the fields, read to their closing '>' outside quotes (lambdas hold "=>").</summary>
    private static IEnumerable<(string Tag, int Line, string Attributes)> Tags(string text)
    {
        foreach (var tag in FieldsWithButton)
        {
            var at = 0;
            while ((at = text.IndexOf("<" + tag, at, StringComparison.Ordinal)) >= 0)
            {
                var start = at + tag.Length + 1;
                at = start;
                if (start >= text.Length || !(char.IsWhiteSpace(text[start]) || text[start] is '>' or '/'))
                {
                    continue;   // MudSelectItem and the like
                }

                var end = start;
                var quoted = false;
                while (end < text.Length && (quoted || text[end] != '>'))
                {
                    quoted ^= text[end] == '"';
                    end++;
                }

                yield return (tag, text[..start].Count(c => c == '\n') + 1, text[start..end]);
            }
        }
    }
}
