using Microsoft.Extensions.DependencyInjection;
#pragma warning disable CA1861 // literal arrays are the readable way to write test data
using System.Text.Json;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Fields;
using Crm.Modules.Counterparties.Reports;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>Admin-defined fields and dictionaries, filters on any field, exports under field-level permissions, relations, time and cost.</summary>
public abstract class CustomFieldScenarioTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Admin = new(Guid.NewGuid(), "admin", new HashSet<string> { Roles.Admin }, new HashSet<string>());
    private static readonly CurrentUser Finance = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "finance" });
    private static readonly CurrentUser North = EngineHarness.User("anna", "north");

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    private Task<Guid> CreateAsync(string name, string region, Dictionary<string, JsonElement>? fields = null, string? industry = null, CurrentUser? user = null) =>
        Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", name, null, null, null, null, industry, null, null, ["customer"], region,
            null, null, null, "PLN", null, null, null, CustomFields: fields), user ?? Finance, default));

    private Task<Guid> DefineAsync(string key, string type, bool required = false, string? pattern = null, double? min = null, double? max = null, string[]? options = null,
        string? dictionary = null, bool sensitive = false) =>
        Engine.RunAsync<CustomFieldService, Guid>(s => s.DefineAsync(new DefineFieldRequest("counterparty", key, key.ToUpperInvariant(), type, required, pattern, min, max, options, dictionary, sensitive), Admin, default));

    private Task<PagedList<CounterpartyListItem>> ListAsync(CurrentUser user, params string[] filters) =>
        Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 1, 50, user, default, null,
            new CounterpartyListOptions([.. filters.Select(FieldFilter.Parse)],
                user == Finance ? ["name", "cf.employees", "cf.rating", "openCases", "turnover", "daysSinceLastContact", "group"] : ["name", "cf.employees"])));

    private async Task SetUpFieldsAsync()
    {
        await Engine.RunAsync<DictionaryService, Guid>(s => s.AddAsync("certificates", "ISO 9001", Admin, default));
        await Engine.RunAsync<DictionaryService, Guid>(s => s.AddAsync("certificates", "ISO 27001", Admin, default));
        await DefineAsync("employees", "number", required: true, min: 1, max: 100_000);
        await DefineAsync("contractEnd", "date");
        await DefineAsync("newsletter", "bool");
        await DefineAsync("segment", "choice", options: ["SME", "Enterprise"]);
        await DefineAsync("tags", "multichoice", options: ["vip", "export", "public"]);
        await DefineAsync("certificates", "dictionary", dictionary: "certificates");
        await DefineAsync("rating", "text", pattern: "^[A-D][+-]?$", sensitive: true);
    }

    [Fact]
    public async Task CustomFields_AreValidatedPerRule_AndOnlyAdminsDefineThem()
    {
        RequireDatabase();
        await SetUpFieldsAsync();
        var forbidden = await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<CustomFieldService, Guid>(s =>
            s.DefineAsync(new DefineFieldRequest("counterparty", "x", "X", "text"), Finance, default)));
        Assert.Contains("administrators", forbidden.Message);
        var badDefinition = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CustomFieldService, Guid>(s =>
            s.DefineAsync(new DefineFieldRequest("counterparty", "9bad", "", "colour", Pattern: "[unclosed"), Admin, default)));
        Assert.Equal(["key", "label", "pattern", "type"], badDefinition.Errors.Keys.Order());

        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync("Zła Firma", "north", new()
        {
            ["employees"] = Json(0), ["contractEnd"] = Json("31.02.2024"), ["newsletter"] = Json("maybe"), ["segment"] = Json("Huge"),
            ["tags"] = Json(new[] { "vip", "nope" }), ["certificates"] = Json("ISO 14001"), ["rating"] = Json("Z"), ["unknown"] = Json("x"),
        }));
        Assert.Equal(["customFields.certificates", "customFields.contractEnd", "customFields.employees", "customFields.newsletter", "customFields.rating",
            "customFields.segment", "customFields.tags", "customFields.unknown"], bad.Errors.Keys.Order());
        Assert.Contains("between 1 and 100000", bad.Errors["customFields.employees"][0]);
        var missing = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync("Bez Pól", "north"));
        Assert.Equal(["customFields.employees"], missing.Errors.Keys);
        // Staff may not write a sensitive field (and are told so, not silently ignored).
        var sensitive = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync("Cudza Ocena", "north", new() { ["employees"] = Json(5), ["rating"] = Json("A") }, user: North));
        Assert.Equal(["customFields.rating"], sensitive.Errors.Keys);
        Assert.Equal(0, await Engine.RunAsync<CrmDbContext, int>(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Counterparties)));

        var id = await CreateAsync("Dobra Firma", "north", new()
        {
            ["employees"] = Json(250), ["contractEnd"] = Json("2025-06-30"), ["newsletter"] = Json(true), ["segment"] = Json("Enterprise"),
            ["tags"] = Json(new[] { "vip", "export" }), ["certificates"] = Json("ISO 9001"), ["rating"] = Json("B+"),
        });
        var view = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(id, Finance, default));
        Assert.Equal((250d, new DateOnly(2025, 6, 30), true, "Enterprise", "export, vip", "B+"),
            ((double)view.CustomFields["employees"]!, (DateOnly)view.CustomFields["contractEnd"]!, (bool)view.CustomFields["newsletter"]!, (string?)view.CustomFields["segment"],
             (string?)view.CustomFields["tags"], (string?)view.CustomFields["rating"]));
        var staffView = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(id, North, default));
        Assert.False(staffView.CustomFields.ContainsKey("rating"));

        // ... nor clear it by sending null; and staff move neither the record's region nor its owner.
        var cleared = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyService>(s => s.UpdateAsync(id,
            new UpdateCounterpartyRequest(staffView.Revision, CustomFields: new Dictionary<string, JsonElement> { ["rating"] = JsonSerializer.SerializeToElement<string?>(null) }), North, default)));
        Assert.Equal(["customFields.rating"], cleared.Errors.Keys);
        var moved = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyService>(s => s.UpdateAsync(id,
            new UpdateCounterpartyRequest(staffView.Revision, Region: "south", Owner: "marek"), North, default)));
        Assert.Equal(["owner", "region"], moved.Errors.Keys.Order());
        Assert.Equal("B+", (string?)(await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(id, Finance, default))).CustomFields["rating"]);
        Assert.Equal("north", (await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(id, Finance, default))).Region);
    }

    [Fact]
    public async Task Dictionaries_ConstrainSegmentation_OnceFilled_AndUpdatesGuardTheRevision()
    {
        RequireDatabase();
        var id = await CreateAsync("Wolna Branża", "north", industry: "cokolwiek");   // empty dictionary: anything goes
        await Engine.RunAsync<DictionaryService, Guid>(s => s.AddAsync("industry", "IT", Admin, default));
        var entry = await Engine.RunAsync<DictionaryService, Guid>(s => s.AddAsync("industry", "handel", Admin, default));
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<DictionaryService, Guid>(s => s.AddAsync("industry", "rolnictwo", North, default)));
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync("Zła Branża", "north", industry: "rolnictwo"));
        Assert.Contains("IT, handel", refused.Errors["industry"][0]);
        await Engine.RunAsync<DictionaryService>(s => s.MoveAsync(entry, -1, Admin, default));
        Assert.Equal(["handel", "IT"], (await Engine.RunAsync<DictionaryService, List<DictionaryEntryView>>(s => s.ListAsync("industry", default))).Select(e => e.Value));
        await Engine.RunAsync<DictionaryService>(s => s.SetActiveAsync(entry, false, Admin, default));
        await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync("Handlowa", "north", industry: "handel"));

        var view = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(id, Finance, default));
        await Engine.RunAsync<CounterpartyService>(s => s.UpdateAsync(id, new UpdateCounterpartyRequest(view.Revision, Industry: "IT", PaymentDays: 21, CreditLimit: 80_000m), Finance, default));
        // A second edit made from the same (now stale) page is refused instead of overwriting the first.
        var stale = await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<CounterpartyService>(s =>
            s.UpdateAsync(id, new UpdateCounterpartyRequest(view.Revision, Industry: "IT", PaymentDays: 60), Finance, default)));
        Assert.Contains("changed by someone else", stale.Message);
        var staff = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyService>(s =>
            s.UpdateAsync(id, new UpdateCounterpartyRequest(view.Revision + 1, CreditLimit: 1m), North, default)));
        Assert.Equal(["creditLimit"], staff.Errors.Keys);
        var after = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(id, Finance, default));
        Assert.Equal(("IT", 21, 80_000m), (after.Industry, after.PaymentDays!.Value, after.CreditLimit!.Value));
    }

    [Fact]
    public async Task Filters_WorkOnBuiltInCalculatedAndCustomFields_AndRefuseFieldsTheUserCannotRead()
    {
        RequireDatabase();
        await SetUpFieldsAsync();
        var big = await CreateAsync("Duża Korporacja", "north", new() { ["employees"] = Json(5000), ["contractEnd"] = Json("2024-12-31"), ["newsletter"] = Json(true),
            ["segment"] = Json("Enterprise"), ["tags"] = Json(new[] { "vip", "export" }), ["certificates"] = Json("ISO 27001"), ["rating"] = Json("A") });
        var small = await CreateAsync("Mała Firma", "north", new() { ["employees"] = Json(12), ["contractEnd"] = Json("2026-01-31"), ["segment"] = Json("SME"), ["tags"] = Json(new[] { "export" }), ["rating"] = Json("C") });
        var other = await CreateAsync("Południowa", "south", new() { ["employees"] = Json(800), ["tags"] = Json(new[] { "vip" }) });
        await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Otwarta", small, null, 1000m, "PLN", null, null, "offer", "anna"), Finance, default));
        var wonCase = await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Wygrana", big, null, 42_000m, "PLN", null, null, "negotiation", "anna"), Finance, default));
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            await new CaseService(db, new CounterpartyAccess(Engine.Services.GetRequiredService<Crm.Platform.Access.AccessPolicy>(), db, TimeProvider.System), TimeProvider.System).MoveAsync(wonCase, "won", null, default);
            await db.SaveChangesAsync();
        });
        await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreateActivityAsync(new CreateActivityRequest(big, "call", "out", Engine.Clock.GetUtcNow().AddDays(-3), 30, "Rozmowa", null,
            "done", null, null, null, null), Finance, default));
        await Engine.RunAsync<CounterpartyRelations>(s => s.SetMembershipAsync(small, "Kluczowi", true, Finance, default));

        async Task<string[]> Names(CurrentUser user, params string[] filters) => [.. (await ListAsync(user, filters)).Items.Select(i => i.Name).Order()];
        Assert.Equal(["Duża Korporacja", "Południowa"], await Names(Finance, "cf.employees:gte:800"));
        Assert.Equal(["Mała Firma"], await Names(Finance, "cf.employees:lt:800"));
        Assert.Equal(["Duża Korporacja"], await Names(Finance, "cf.contractEnd:lt:2025-01-01"));
        Assert.Equal(["Duża Korporacja"], await Names(Finance, "cf.newsletter:eq:true"));
        Assert.Equal(["Mała Firma", "Południowa"], await Names(Finance, "cf.newsletter:eq:false"));
        Assert.Equal(["Mała Firma"], await Names(Finance, "cf.segment:eq:SME"));
        Assert.Equal(["Duża Korporacja", "Południowa"], await Names(Finance, "cf.tags:eq:vip"));
        Assert.Equal(["Duża Korporacja", "Mała Firma"], await Names(Finance, "cf.tags:eq:export", "region:eq:NORTH"));
        Assert.Equal(["Mała Firma", "Południowa"], await Names(Finance, "cf.certificates:empty:"));
        Assert.Equal(["Duża Korporacja"], await Names(Finance, "cf.rating:starts:a"));
        Assert.Equal(["Mała Firma"], await Names(Finance, "openCases:gte:1"));
        Assert.Equal(["Duża Korporacja"], await Names(Finance, "turnover:gt:40000"));
        Assert.Equal(["Duża Korporacja"], await Names(Finance, "daysSinceLastContact:lte:7"));
        Assert.Equal(["Mała Firma", "Południowa"], await Names(Finance, "daysSinceLastContact:gt:7"));
        Assert.Equal(["Mała Firma"], await Names(Finance, "group:eq:Kluczowi"));
        Assert.Equal(["Duża Korporacja", "Mała Firma"], await Names(North));   // record scope still applies

        var row = (await ListAsync(Finance, "name:contains:duża")).Items.Single();
        Assert.Equal("5000|A|0|42000", string.Join("|", new[] { "cf.employees", "cf.rating", "openCases", "turnover" }.Select(k => row.Values![k] switch
        {
            decimal d => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
            var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
        })));
        Assert.Equal(3, row.Values!["daysSinceLastContact"]);
        Assert.Equal("Kluczowi", (await ListAsync(Finance, "name:eq:mała firma")).Items.Single().Values!["group"]);

        // A field the user may not read can neither be shown nor filtered on: the matches would reveal it.
        var filter = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s =>
            s.ListAsync(null, null, 1, 50, North, default, null, new CounterpartyListOptions([FieldFilter.Parse("cf.rating:eq:A")]))));
        Assert.Contains("cf.rating", filter.Errors["filter"][0]);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s =>
            s.ListAsync(null, null, 1, 50, North, default, null, new CounterpartyListOptions([FieldFilter.Parse("creditLimit:gt:0")]))));
        var badValue = await Assert.ThrowsAsync<ValidationFailedException>(() => ListAsync(Finance, "cf.employees:gt:many"));
        Assert.Contains("number", badValue.Errors["filter"][0]);
        Assert.DoesNotContain(await Engine.RunAsync<CounterpartyService, List<ListField>>(s => s.ListFieldsAsync(North, default)), f => f.Key is "cf.rating" or "creditLimit");
        Assert.NotEqual(Guid.Empty, other);
    }

    [Fact]
    public async Task Export_HasTheFilterAndColumns_AndOnlyWhatTheUserMaySee()
    {
        RequireDatabase();
        await SetUpFieldsAsync();
        await CreateAsync("Eksport Północ", "north", new() { ["employees"] = Json(40), ["rating"] = Json("B") });
        await Engine.RunAsync<CounterpartyService>(async s =>
        {
            var id = (await s.ListAsync("eksport", null, 1, 5, Finance, default)).Items.Single().Id;
            var view = await s.GetAsync(id, Finance, default);
            await s.UpdateAsync(id, new UpdateCounterpartyRequest(view.Revision, CreditLimit: 12_500m), Finance, default);
        });
        await CreateAsync("Eksport Południe", "south", new() { ["employees"] = Json(90) });
        await CreateAsync("Inna Północ", "north", new() { ["employees"] = Json(7) });

        var options = new CounterpartyListOptions([FieldFilter.Parse("name:starts:eksport")], ["name", "cf.employees", "creditLimit", "cf.rating"]);
        var full = ReadSheet(await Engine.RunAsync<CounterpartyService, byte[]>(s => s.ExportAsync(null, null, options, Finance, default)));
        Assert.Equal(["Name|EMPLOYEES|Credit limit|RATING", "Eksport Północ|40|12500|B", "Eksport Południe|90||"], full);

        // Staff asking for the sensitive columns are refused by name; without them they get their own rows only.
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyService, byte[]>(s => s.ExportAsync(null, null, options, North, default)));
        Assert.Contains("creditLimit, cf.rating", refused.Errors["columns"][0]);
        var staff = ReadSheet(await Engine.RunAsync<CounterpartyService, byte[]>(s => s.ExportAsync(null, null, options with { Columns = ["name", "cf.employees"] }, North, default)));
        Assert.Equal(["Name|EMPLOYEES", "Eksport Północ|40"], staff);
    }

    [Fact]
    public async Task Relations_FormAWalkableTree_WithoutLoops_AndHideWhatTheUserCannotSee()
    {
        RequireDatabase();
        var head = await CreateAsync("Centrala", "north", industry: null);
        var branch = await CreateAsync("Oddział Kraków", "north");
        var sub = await CreateAsync("Spółka Córka", "south");
        var partner = await CreateAsync("Partner", "north");
        await Engine.RunAsync<CounterpartyRelations>(s => s.AddAsync(head, branch, "branch", Finance, default));
        await Engine.RunAsync<CounterpartyRelations>(s => s.AddAsync(branch, sub, "subsidiary", Finance, default));
        await Engine.RunAsync<CounterpartyRelations>(s => s.AddAsync(branch, partner, "partner", Finance, default));
        var loop = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyRelations>(s => s.AddAsync(sub, head, "branch", Finance, default)));
        Assert.Contains("loop", loop.Errors["childId"][0]);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyRelations>(s => s.AddAsync(partner, sub, "branch", Finance, default)));   // already has a parent

        var tree = await Engine.RunAsync<CounterpartyRelations, RelationTree>(s => s.TreeAsync(sub, Finance, default));
        static string Walk(RelationNode n) => $"{n.Name}{(n.Current ? "*" : "")}({string.Join(",", n.Children.Select(Walk))})";
        Assert.Equal("Centrala(Oddział Kraków(Spółka Córka*()))", Walk(tree.Root));
        var annaTree = await Engine.RunAsync<CounterpartyRelations, RelationTree>(s => s.TreeAsync(branch, North, default));
        Assert.Equal("Centrala(Oddział Kraków*(()))", Walk(annaTree.Root));   // the southern subsidiary has no name for her
        Assert.Equal(["Partner"], annaTree.Partners.Select(p => p.Name));
    }

    [Fact]
    public async Task TimeAndCost_SumsDoneActivitiesPerCustomer_AtTheHourlyRate()
    {
        RequireDatabase();
        var a = await CreateAsync("Klient A", "north");
        var b = await CreateAsync("Klient B", "south");
        var now = DateTimeOffset.UtcNow;
        async Task Activity(Guid counterparty, int minutes, string status, int daysAgo) =>
            await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreateActivityAsync(new CreateActivityRequest(counterparty, "meeting", "out", now.AddDays(-daysAgo), minutes, "Spotkanie", null,
                status, null, null, null, null), Finance, default));
        await Activity(a, 90, "done", 2);
        await Activity(a, 30, "done", 5);
        await Activity(a, 600, "planned", 1);   // not done: no time spent yet
        await Activity(a, 45, "done", 400);     // outside the period
        await Activity(b, 60, "done", 3);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var report = await Engine.RunAsync<TimeCostReport, TimeCostResult>(s => s.RunAsync(today.AddDays(-30), today, 200m, null, Finance, default));
        Assert.Equal(["Klient A:2:120:400", "Klient B:1:60:200"], report.Rows.Select(r => $"{r.Name}:{r.Activities}:{r.Minutes}:{r.Cost:0}"));
        Assert.Equal((180, 600m), (report.TotalMinutes, report.TotalCost));
        var anna = await Engine.RunAsync<TimeCostReport, TimeCostResult>(s => s.RunAsync(today.AddDays(-30), today, null, null, North, default));
        Assert.Equal(["Klient A:300"], anna.Rows.Select(r => $"{r.Name}:{anna.HourlyRate * r.Minutes / 60:0}"));   // her scope, default rate 150/h
    }

    [Fact]
    public async Task Sorting_OnBuiltInCalculatedAndCustomFields_KeepsEmptyValuesLast_AndHoldsForStaffAndExports()
    {
        RequireDatabase();
        await SetUpFieldsAsync();
        AddressInput Registered(string city) => new("registered", "ul. Długa 1", "00-001", city, "PL", null, null);
        Task<Guid> Company(string name, string region, int employees, string? city, string owner) =>
            Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", name, null, null, null, null, null, null, null, ["customer"],
                region, owner, null, null, "PLN", city is null ? [] : [Registered(city)], null, null, CustomFields: new Dictionary<string, JsonElement> { ["employees"] = Json(employees) }),
                Finance, default));

        await Company("Alfa", "north", 300, "Łódź", "anna");
        await Company("Beta", "north", 20, null, "marek");
        await Company("Gamma", "south", 5_000, "Gdańsk", "anna");   // anna's own, outside her region
        await Company("Delta", "south", 40, "Bydgoszcz", "marek");  // not anna's
        async Task<List<string>> Sorted(CurrentUser user, string sort, bool descending = false) =>
            [.. (await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 1, 50, user, default, null,
                new CounterpartyListOptions(null, ["name"], sort, descending)))).Items.Select(i => i.Name)];

        Assert.Equal(["Gamma", "Alfa", "Delta", "Beta"], await Sorted(Finance, "cf.employees", descending: true));
        Assert.Equal(["Delta", "Gamma", "Alfa", "Beta"], await Sorted(Finance, "city"));              // Bydgoszcz, Gdańsk, Łódź, then no city
        Assert.Equal(["Alfa", "Gamma", "Delta", "Beta"], await Sorted(Finance, "city", descending: true));   // no city still last
        Assert.Equal(["Gamma", "Delta", "Beta", "Alfa"], await Sorted(Finance, "name", descending: true));
        Assert.Equal(["Alfa", "Gamma", "Beta", "Delta"], await Sorted(Finance, "owner"));             // equal owners by name
        Assert.Equal(["Gamma", "Alfa", "Beta"], await Sorted(North, "cf.employees", descending: true));   // her region and her own
        await Assert.ThrowsAsync<ValidationFailedException>(() => Sorted(North, "cf.rating"));          // sensitive: not hers to sort on
        await Assert.ThrowsAsync<ValidationFailedException>(() => Sorted(North, "categories"));         // several values: no order

        var page2 = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 2, 2, Finance, default, null,
            new CounterpartyListOptions(null, null, "cf.employees", true)));
        Assert.Equal(["Delta", "Beta"], page2.Items.Select(i => i.Name));
        var export = await Engine.RunAsync<CounterpartyService, byte[]>(s => s.ExportAsync(null, null, new CounterpartyListOptions(null, ["name", "cf.employees"], "cf.employees"), North, default));
        Assert.Equal(["Name|EMPLOYEES", "Beta|20", "Alfa|300", "Gamma|5000"], ReadSheet(export));
    }

    internal static List<string> ReadSheet(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        using var document = SpreadsheetDocument.Open(stream, false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        return [.. sheet.Descendants<Row>().Select(r => string.Join("|", r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "")))];
    }
}

public sealed class CustomFieldScenarioOnSqliteTests() : CustomFieldScenarioTests(DatabaseProvider.Sqlite);

public sealed class CustomFieldScenarioOnPostgreSqlTests() : CustomFieldScenarioTests(DatabaseProvider.PostgreSql);
