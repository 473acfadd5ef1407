using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Designer.Components.People;
using Crm.Designer.Localization;
using Crm.Platform.Audit;
using Crm.Platform.Identity;
using Crm.Workflow.Processes;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Crm.Server.Tests.Localization;

/// <summary>
/// History and audit rows, people, variables, dates and money as the pages show them, through the real compiled
/// texts in both languages.
/// </summary>
public sealed class SentencesTests : IDisposable
{
    private const string Model = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
          <process id="offer" name="Offer">
            <userTask id="Task_Approve" name="Approve offer" />
            <endEvent id="End" />
          </process>
        </definitions>
        """;

    private static readonly Dictionary<string, string> People = PeopleNames.Index(
        [new UserView(Guid.Parse("0193a9e4-0000-7000-8000-000000000001"), "anna", "Anna Kowalska", null, true, [], [])]);

    private readonly CultureInfo _culture = CultureInfo.CurrentCulture, _uiCulture = CultureInfo.CurrentUICulture;

    private static readonly IStringLocalizer Texts = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(UiText));

    public void Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);

    [Theory]
    [InlineData("en", "Anna Kowalska created task “Approve offer”")]
    [InlineData("pl", "Utworzono zadanie „Approve offer” — Anna Kowalska")]
    public void Describe_TaskCreatedByAPerson_NamesPersonAndTask(string language, string expected)
    {
        Speak(language);
        var entry = new HistoryView(1, "TaskCreated", "Task_Approve", "userTask", Guid.NewGuid(), "anna", DateTimeOffset.UtcNow, null);

        Assert.Equal(expected, Describe(entry));
    }

    [Theory]
    [InlineData("en", "Step “End” done")]
    [InlineData("pl", "Zakończono krok „End”")]
    public void Describe_StepWithoutNameAndNoPerson_UsesTheIdInASentence(string language, string expected)
    {
        Speak(language);
        var entry = new HistoryView(2, "ElementLeft", "End", "endEvent", null, null, DateTimeOffset.UtcNow, null);

        Assert.Equal(expected, Describe(entry));
    }

    [Fact]
    public void Describe_VariableSet_NamesTheVariable()
    {
        Speak("pl");
        var entry = new HistoryView(3, "VariableSet", null, null, null, "anna", DateTimeOffset.UtcNow, new JsonObject { ["name"] = "discount" });

        Assert.Equal("Ustawiono wartość „discount” — Anna Kowalska", Describe(entry));
    }

    [Fact]
    public void Describe_UnknownEventType_ShowsTheCodeRatherThanNothing()
    {
        Speak("en");
        var entry = new HistoryView(4, "SomethingNew", null, null, null, null, DateTimeOffset.UtcNow, null);

        Assert.Equal("SomethingNew", Describe(entry));
    }

    [Fact]
    public void ElementNames_ReadsNamedElementsOnly_AndSurvivesBrokenXml()
    {
        var names = HistorySentences.ElementNames(Model);

        Assert.Equal("Approve offer", names["Task_Approve"]);
        Assert.False(names.ContainsKey("End"));
        Assert.Empty(HistorySentences.ElementNames("<definitions"));
    }

    [Theory]
    [InlineData("en", "auth.sign-in", "Signed in")]
    [InlineData("pl", "auth.sign-in", "Zalogowanie")]
    [InlineData("pl", "document.versionadded", "Dodanie nowej wersji")]
    [InlineData("pl", "export.funnel", "Eksport: funnel")]
    [InlineData("pl", "brand.new-action", "brand.new-action")]
    public void AuditAction_ReadsAsWords(string language, string action, string expected)
    {
        Speak(language);

        Assert.Equal(expected, AuditSentences.Action(action, Texts));
    }

    [Fact]
    public void AuditSubject_NamesTheKindAndLinksRecords()
    {
        Speak("pl");
        var id = Guid.NewGuid().ToString();
        var row = new AuditView(1, DateTimeOffset.UtcNow, "anna", "document.downloaded", "document", id, null, null);

        Assert.Equal("Dokument", AuditSentences.Subject(row, Texts));
        Assert.Equal($"documents/{id}", AuditSentences.Href(row));
        Assert.Null(AuditSentences.Href(row with { SubjectType = "retention", SubjectId = "persons" }));
    }

    [Fact]
    public void People_ByLoginOrId_ReadAsDisplayNamesWithInitials()
    {
        Assert.Equal("Anna Kowalska", People["anna"]);
        Assert.Equal("Anna Kowalska", People["0193a9e4-0000-7000-8000-000000000001"]);
        Assert.Equal("AK", PeopleNames.Initials("Anna Kowalska"));
        Assert.Equal("S", PeopleNames.Initials("system"));
    }

    [Fact]
    public void ReadableJson_KeepsPolishLettersAndIndents()
    {
        var value = JsonNode.Parse("""{"klient":"Zakład Usług Różnych","kwota":1234.5,"pozycje":["pęknięcie"]}""");

        var text = ReadableJson.Text(value);

        Assert.Contains("\"klient\": \"Zakład Usług Różnych\"", text, StringComparison.Ordinal);
        Assert.Contains("pęknięcie", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
        Assert.Contains('\n', text);
        Assert.Equal("zażółć", ReadableJson.Text(JsonValue.Create("zażółć")));
        Assert.Equal("—", ReadableJson.Text(null));
    }

    [Theory]
    [InlineData("pl", "06.12.2026", "1 234,56 zł", "06.12")]
    [InlineData("en", "12/6/2026", "1,234.56 PLN", "12/6")]
    public void UiFormat_FollowsTheUiCulture(string language, string date, string money, string dayMonth)
    {
        Speak(language);
        var day = new DateOnly(2026, 12, 6);

        Assert.Equal(date, UiFormat.Date(day));
        Assert.Equal(money, UiFormat.Money(1234.56m, "PLN").Replace('\u00a0', ' ').Replace('\u202f', ' '));
        Assert.Equal(dayMonth, UiFormat.DayMonth(day));
        Assert.Equal("", UiFormat.Money(null, "PLN"));
    }

    private static string Describe(HistoryView entry) =>
        HistorySentences.Describe(entry, Texts, HistorySentences.ElementNames(Model), who => who is null ? "" : People.GetValueOrDefault(who, who));

    private static void Speak(string language) =>
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (UiCultures.Get(language), UiCultures.Get(language));
}
