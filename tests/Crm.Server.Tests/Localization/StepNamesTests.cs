using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Crm.Designer.Localization;
using Crm.Tests;
using Microsoft.Extensions.Localization;
using Xunit;

namespace Crm.Server.Tests.Localization;

/// <summary>
/// The product's own processes say their steps and forms in the UI language: every user task, process, form field and
/// choice of the shipped models has its text (the English one equal to the model's, so a renamed step is noticed
/// here), and a name with values ("Contact ${memberTitle}") keeps its values in the translation.
/// </summary>
public sealed partial class StepNamesTests
{
    private static readonly ResourceManager Resources = new(typeof(UiText).FullName!, typeof(UiText).Assembly);

    [Fact]
    public void EveryShippedStepAndProcess_HasItsText_EqualToTheModel()
    {
        var workflows = Path.Combine(Directory.GetParent(TestCorpus.Folder)!.Parent!.FullName, "workflows");
        XNamespace bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
        var problems = new List<string>();
        var steps = 0;
        foreach (var file in Directory.EnumerateFiles(workflows, "*.bpmn", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            foreach (var process in XDocument.Load(file).Descendants(bpmn + "process"))
            {
                var key = (string)process.Attribute("id")!;
                Check($"Process_{key}", (string?)process.Attribute("name"), Path.GetFileName(file));
                foreach (var task in process.Descendants(bpmn + "userTask"))
                {
                    steps++;
                    var index = 0;   // each ${...} of the name becomes {0}, {1} ... in order
                    var name = Expression().Replace((string?)task.Attribute("name") ?? "", _ => "{" + index++ + "}");
                    Check($"Step_{key}.{(string)task.Attribute("id")!}", name, Path.GetFileName(file));
                    if (task.Descendants().FirstOrDefault(e => e.Name.LocalName == "formSchema") is { } form
                        && System.Text.Json.Nodes.JsonNode.Parse(form.Value)?["properties"] is System.Text.Json.Nodes.JsonObject properties)
                    {
                        foreach (var (field, schema) in properties)
                        {
                            var prefix = $"Form_{key}.{(string)task.Attribute("id")!}.{field}";
                            Check(prefix, schema?["title"]?.GetValue<string>(), Path.GetFileName(file));
                            foreach (var choice in schema?["enum"]?.AsArray().Select(c => c!.GetValue<string>()) ?? [])
                            {
                                Check($"{prefix}.{choice}", choice, Path.GetFileName(file));
                            }
                        }
                    }
                }
            }
        }

        Assert.True(steps > 10, $"only {steps} user tasks found: is the workflows folder where the test looks?");
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        void Check(string key, string? model, string file)
        {
            var english = Resources.GetString(key, CultureInfo.InvariantCulture);
            var polish = Resources.GetString(key, CultureInfo.GetCultureInfo("pl"));
            if (english is null || polish is null)
            {
                problems.Add($"{file}: {key} has no text (\"{model}\")");
            }
            else if (english != model)
            {
                problems.Add($"{file}: {key} is \"{english}\" in the texts but \"{model}\" in the model");
            }
        }
    }

    [Fact]
    public void Names_AreTranslated_WithTheirValues_AndOtherNamesStayAsWritten()
    {
        var texts = new ResourceTexts();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("pl");
            Assert.Equal("Zakwalifikuj szansę sprzedaży", texts.Step("sales-cycle", "qualify", "Qualify the opportunity"));
            Assert.Equal("Kontakt: Jan Nowak (Agroex)", texts.Step("campaign-member", "contactMember", "Contact Jan Nowak (Agroex)"));
            Assert.Equal("Cykl sprzedaży", texts.Process("sales-cycle", "Sales cycle"));
            // A process owner's own model, or a shipped one renamed: its words.
            Assert.Equal("Zadzwoń do klienta", texts.Step("my-process", "call", "Zadzwoń do klienta"));
            Assert.Equal("Qualify quickly", texts.Step("sales-cycle", "qualify", "Qualify quickly"));
            Assert.Equal("Mój cykl", texts.Process("sales-cycle", "Mój cykl"));
            var decision = texts.Form("sales-cycle", "qualify", new Crm.Designer.Components.Tasks.FormField { Name = "decision", Label = "Decision", Options = ["continue", "lost"] });
            Assert.Equal(("Decyzja", "kontynuuj", "lost"), (decision.Label, decision.OptionLabel("continue"), decision.Options[1]));   // the value sent stays the model's
        }
        finally
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = previous;
        }
    }

    [GeneratedRegex(@"\$\{[^}]+}")]
    private static partial Regex Expression();

    /// <summary>The UI texts as the pages read them, in the current UI culture.</summary>
    private sealed class ResourceTexts : IStringLocalizer
    {
        public LocalizedString this[string name] =>
            Resources.GetString(name, CultureInfo.CurrentUICulture) is { } text ? new(name, text) : new(name, name, resourceNotFound: true);

        public LocalizedString this[string name, params object[] arguments] => new(name, string.Format(CultureInfo.CurrentCulture, this[name].Value, arguments));

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
