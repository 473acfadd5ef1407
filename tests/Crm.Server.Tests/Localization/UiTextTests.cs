using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Crm.Designer.Localization;
using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Modules.Knowledge;
using Crm.Tests;
using Crm.Workflow.Processes;
using Xunit;

namespace Crm.Server.Tests.Localization;

/// <summary>
/// The UI texts as compiled (UiText.resx and its Polish satellite): every key the pages use exists in both
/// languages, Polish is not English left untranslated, and both languages carry the same placeholders.
/// </summary>
public sealed partial class UiTextTests
{
    /// <summary>Words that are the same in Polish and English on purpose: product names, codes, loan words.</summary>
    private static readonly HashSet<string> GenuinelyEqual = new(StringComparer.OrdinalIgnoreCase)
    {
        "OK", "E-mail", "Status", "Minimum", "partner", "NIP", "REGON", "Region", "Import CSV", "Workflow CRM", "demo",
        "Element", "Transport", "Bank", "Port", "ePUAP", "Mailing", "Telemarketing", "Import", "ROI", "Link", "Folder",
    };

    private static readonly Lazy<Dictionary<string, string>> English = new(() => Texts(CultureInfo.InvariantCulture));
    private static readonly Lazy<Dictionary<string, string>> Polish = new(() => Texts(CultureInfo.GetCultureInfo("pl")));

    [Fact]
    public void KeysUsedInPages_ExistInEnglishAndPolish()
    {
        var used = UsedKeys();
        Assert.True(used.Count > 500, $"only {used.Count} keys found: is the designer folder where the test looks?");
        var missing = used
            .Where(u => !English.Value.ContainsKey(u.Key) || !Polish.Value.ContainsKey(u.Key))
            .Select(u => $"{u.Key} (used in {u.Value}; en: {English.Value.ContainsKey(u.Key)}, pl: {Polish.Value.ContainsKey(u.Key)})")
            .ToList();
        Assert.True(missing.Count == 0, "keys without a text:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void KeyPrefixesUsedInPages_HaveTexts()
    {
        // T["MemberState_" + state]: a typo in the prefix would leave every value untranslated.
        var prefixes = SourceFiles().SelectMany(f => PrefixUse().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.NotEmpty(prefixes);
        var orphans = prefixes.Where(p => !English.Value.Keys.Any(k => k.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(orphans.Count == 0, "prefixes with no text under them: " + string.Join(", ", orphans));
    }

    /// <summary>A text that is only placeholders and punctuation ("{0}", "{0} · {1}") has nothing to translate.</summary>
    private static bool HasWords(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\{\d+[^}]*\}", "").Any(char.IsLetter);

    [Fact]
    public void PolishTexts_AreNotEnglishLeftUntranslated()
    {
        var untranslated = English.Value
            .Where(e => Polish.Value.TryGetValue(e.Key, out var pl) && pl == e.Value && !GenuinelyEqual.Contains(e.Value) && HasWords(e.Value))
            .Select(e => $"{e.Key} = \"{e.Value}\"")
            .ToList();
        Assert.True(untranslated.Count == 0, "Polish equals English:\n" + string.Join("\n", untranslated));
    }

    [Fact]
    public void BothLanguages_CarryTheSamePlaceholders()
    {
        var different = English.Value
            .Where(e => Polish.Value.TryGetValue(e.Key, out var pl) && !Placeholders(e.Value).SetEquals(Placeholders(pl)))
            .Select(e => $"{e.Key}: \"{e.Value}\" / \"{Polish.Value[e.Key]}\"")
            .ToList();
        Assert.True(different.Count == 0, "placeholders differ:\n" + string.Join("\n", different));
    }

    [Fact]
    public void CodesShownToPeople_HaveTextsForEveryValue()
    {
        // Values that pages render through a prefix (T.Code, History_, Audit_): every value of the enum has a text.
        var expected = Enum.GetNames<HistoryEventType>().Select(n => "History_" + n)
            .Concat(Enum.GetNames<InstanceStatus>().Select(n => "InstanceState_" + n))
            .Concat(Enum.GetNames<AssignmentStatus>().Select(n => "AssignmentStatus_" + n))
            .Concat(Enum.GetNames<ActivityStatus>().Select(n => "ActivityStatus_" + n))
            .Concat(Enum.GetNames<DocumentEventKind>().Select(n => "Audit_document_" + n.ToLowerInvariant()))
            .Concat(Crm.Modules.Counterparties.Cases.CasePhases.BuiltIn.Open.Concat(Crm.Modules.Counterparties.Cases.CasePhases.Outcomes).Select(p => "CasePhase_" + p));
        var missing = expected.Where(k => !English.Value.ContainsKey(k) || !Polish.Value.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "codes without a text: " + string.Join(", ", missing));
    }

    private static Dictionary<string, string> Texts(CultureInfo culture)
    {
        var resources = new ResourceManager(typeof(UiText).FullName!, typeof(UiText).Assembly);
        // tryParents: false, so a Polish key missing from the satellite is not filled in from English.
        var set = resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"no {culture.Name} texts in {typeof(UiText).Assembly.GetName().Name}");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    private static Dictionary<string, string> UsedKeys()
    {
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            foreach (Match match in KeyUse().Matches(File.ReadAllText(file)))
            {
                used.TryAdd(match.Groups[1].Value, Path.GetFileName(file));
            }
        }

        return used;
    }

    private static IEnumerable<string> SourceFiles()
    {
        var designer = Path.Combine(Directory.GetParent(TestCorpus.Folder)!.Parent!.FullName, "designer", "Crm.Designer");
        return Directory.EnumerateFiles(designer, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex("""\bT\["([^"]+)"\]""")]
    private static partial Regex KeyUse();

    [GeneratedRegex("""\bT\["([A-Za-z]+_)"\s*\+""")]
    private static partial Regex PrefixUse();

    [GeneratedRegex(@"\{[A-Za-z_0-9]+(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
