using Crm.Tests;
using Xunit;

namespace Crm.Server.Tests.Accessibility;

/// <summary>
/// Names that MudBlazor does not give by itself, checked in the page sources. Its select, autocomplete and picker
/// fields render their arrow or calendar as an icon button with no name (axe: critical; a screen reader says only
/// "button"): each field names it (<c>AdornmentAriaLabel</c>, usually the field's label). A list renders as
/// role="list" and needs a name among the page's other lists. The browser's axe run covers the main pages; these
/// rules cover the pages and states it does not reach.
/// </summary>
public sealed class AccessibleNamesTests
{
    private static readonly string[] FieldsWithButton =
        ["MudSelect", "MudAutocomplete", "MudDatePicker", "MudTimePicker", "MudDateRangePicker", "MudColorPicker"];

    [Fact]
    public void EverySelectAutocompleteAndPicker_NamesItsButton() => AssertNamed(FieldsWithButton, "AdornmentAriaLabel=", 50, "fields whose button has no name");

    [Fact]
    public void EveryList_HasAName() => AssertNamed(["MudList"], "aria-label=", 5, "lists without a name");

    private static void AssertNamed(string[] tags, string attribute, int atLeast, string problem)
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
            foreach (var (tag, line, attributes) in Tags(text, tags))
            {
                seen++;
                if (!attributes.Contains(attribute, StringComparison.Ordinal))
                {
                    unnamed.Add($"{Path.GetFileName(file)}:{line} <{tag}>");
                }
            }
        }

        Assert.True(seen > atLeast, $"only {seen} tags found: does the scan still read them?");
        Assert.True(unnamed.Count == 0, problem + ":\n" + string.Join("\n", unnamed));
    }

    /// <summary>The opening tags, read to their closing '>' outside quotes (lambdas hold "=>").</summary>
    private static IEnumerable<(string Tag, int Line, string Attributes)> Tags(string text, string[] tags)
    {
        foreach (var tag in tags)
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
