using Microsoft.Extensions.DependencyInjection;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using System.Linq;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>The register on a real database: validation per field, duplicates, addresses on a date, record- and field-level access, the funnel.</summary>
public abstract class CounterpartyScenarioTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Manager = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "finance" });
    private static readonly CurrentUser North = EngineHarness.User("anna", "north");
    private static readonly CurrentUser South = EngineHarness.User("jan", "south");

    private static CreateCounterpartyRequest Company(string name, string? nip = null, string region = "north", params AddressInput[] addresses) =>
        new("company", name, null, nip, null, null, "IT", "A", "fair", ["customer"], region, null, 30, 50_000m, "PLN", addresses, null, null);

    private Task<Guid> CreateAsync(CreateCounterpartyRequest request, CurrentUser? user = null) =>
        Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(request, user ?? Manager, default));

    [Fact]
    public async Task Create_WithBadIdentifiers_NamesEveryField_AndStoresNothing()
    {
        RequireDatabase();
        var bad = new CreateCounterpartyRequest("company", "Zła Firma", null, "5260250275", "012100785", "DE12927339", null, null, null, null, null, null, null, null, null,
            [new AddressInput("registered", "ul. Prosta 1", "00950", "Warszawa", "PL", null, null)], [new BankAccountInput("PL61 1090 1014 0000 0712 1981 2875", null)], null);
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync(bad));
        Assert.Equal(["addresses[0].postalCode", "bankAccounts[0].iban", "nip", "regon", "vatEu"], error.Errors.Keys.Order());
        Assert.Equal(0, await Engine.RunAsync<CrmDbContext, int>(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Counterparties)));

        var id = await CreateAsync(bad with { Nip = "526-025-02-74", Regon = "012100784", VatEu = "PL5260250274",
            Addresses = [new AddressInput("registered", "ul. Świętokrzyska 12", "00-916", "Warszawa", "PL", null, null)], BankAccounts = [new BankAccountInput("61109010140000071219812874", null)] });
        var view = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(id, Manager, default));
        Assert.Equal(("5260250274", "PL61109010140000071219812874"), (view.Nip, view.BankAccounts.Single()));
    }

    [Fact]
    public async Task Duplicates_SameNip_OrSimilarNameInSameCity_AreRefusedUnlessAllowed()
    {
        RequireDatabase();
        await CreateAsync(Company("Kowalski i Syn sp. z o.o.", "7740001454", "north", new AddressInput("registered", "ul. Długa 5", "80-827", "Gdańsk", "PL", null, null)));
        var sameNip = await Assert.ThrowsAsync<ConflictException>(() => CreateAsync(Company("Zupełnie Inna", "774-000-14-54")));
        Assert.Contains("same NIP", sameNip.Message, StringComparison.Ordinal);
        var similar = await Assert.ThrowsAsync<ConflictException>(() => CreateAsync(Company("KOWALSKI I SYN S.A.", null, "north", new AddressInput("registered", "ul. Krótka 1", "80-001", "Gdańsk", "PL", null, null))));
        Assert.Contains("similar name", similar.Message, StringComparison.Ordinal);
        await CreateAsync(Company("Kowalski i Syn S.A.", null, "north", new AddressInput("registered", "ul. Krótka 1", "80-001", "Gdańsk", "PL", null, null)) with { AllowDuplicate = true });
        await CreateAsync(Company("Kowalski i Syn S.A.", null, "north", new AddressInput("registered", "ul. Krótka 1", "30-001", "Kraków", "PL", null, null)));   // other city: fine

        // Someone who may not see the north's companies learns that one exists and whom to ask, not its name or NIP.
        var south = EngineHarness.User("jan", "south");
        var hidden = await Assert.ThrowsAsync<ConflictException>(() => CreateAsync(Company("Moja firma", "7740001454", "south") with { PaymentDays = null, CreditLimit = null }, south));
        Assert.Contains("same NIP", hidden.Message, StringComparison.Ordinal);
        Assert.Contains("region north", hidden.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Kowalski", hidden.Message, StringComparison.Ordinal);
        var preview = await Engine.RunAsync<CounterpartyImport, ImportReport>(s => s.RunAsync(
            [["Moja firma", "7740001454"]], new Dictionary<int, string> { [0] = "name", [1] = "nip" }, commit: false, importDuplicates: false, south, null, default));
        Assert.DoesNotContain("Kowalski", preview.Results.Single().Duplicate, StringComparison.Ordinal);
        var sweep = Enumerable.Range(0, CounterpartyImport.MaxPreviewRows + 1).Select(i => new[] { $"Firma {i}" }).ToList();
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CounterpartyImport, ImportReport>(s => s.RunAsync(
            sweep, new Dictionary<int, string> { [0] = "name" }, commit: false, importDuplicates: false, south, null, default)));
    }

    [Fact]
    public async Task AddressOnADate_AnswersFromTheValidityPeriods()
    {
        RequireDatabase();
        var id = await CreateAsync(Company("Przeprowadzki Sp. z o.o.", null, "north",
            new AddressInput("registered", "ul. Stara 1", "00-001", "Warszawa", "PL", new DateOnly(2020, 1, 1), new DateOnly(2023, 12, 31)),
            new AddressInput("registered", "ul. Nowa 2", "30-002", "Kraków", "PL", new DateOnly(2024, 1, 1), null),
            new AddressInput("delivery", "ul. Magazynowa 3", "30-003", "Kraków", "PL", new DateOnly(2024, 2, 1), null)));
        async Task<List<AddressView>> On(int y, int m, int d) => await Engine.RunAsync<CounterpartyService, List<AddressView>>(s => s.AddressesOnAsync(id, new DateOnly(y, m, d), North, default));

        Assert.Equal(["Warszawa"], (await On(2023, 12, 31)).Select(a => a.City));
        Assert.Equal(["Registered:Kraków"], (await On(2024, 1, 31)).Select(a => $"{a.Kind}:{a.City}"));
        Assert.Equal(["Registered", "Delivery"], (await On(2024, 2, 1)).Select(a => a.Kind));
        Assert.Empty(await On(2019, 6, 1));
    }

    [Fact]
    public async Task RecordAndFieldLevelAccess_HoldInListsAndDetails()
    {
        RequireDatabase();
        var northId = await CreateAsync(Company("Północ Handel", null, "north"));
        await CreateAsync(Company("Południe Handel", null, "south"));
        // Staff may not set trade terms: refused by field, not silently dropped.
        var terms = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync(Company("Moja Firma", null, "west"), South));
        Assert.Equal(["creditLimit", "paymentDays"], terms.Errors.Keys.Order());
        var mine = await CreateAsync(Company("Moja Firma", null, "west") with { CreditLimit = null, PaymentDays = null }, South);   // owned by jan, region he is not in

        var annaSees = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync("handel", null, 1, 50, North, default));
        Assert.Equal(["Północ Handel"], annaSees.Items.Select(i => i.Name));
        var janSees = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 1, 50, South, default));
        Assert.Equal(["Moja Firma", "Południe Handel"], janSees.Items.Select(i => i.Name));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(northId, South, default)));
        // Keyset paging gives the same rows as offset paging.
        var first = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 1, 1, Manager, default));
        var next = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 1, 1, Manager, default, after: first.Items[0].Id));
        var second = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 2, 1, Manager, default));
        Assert.Equal(second.Items[0].Id, next.Items[0].Id);
        Assert.Equal(3, first.Total);

        // Name search folds diacritics both ways and finds infixes.
        var folded = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync("POLNOC", null, 1, 50, Manager, default));
        Assert.Equal(["Północ Handel"], folded.Items.Select(i => i.Name));

        var staffView = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(northId, North, default));
        Assert.Equal((null, null, true), (staffView.CreditLimit, staffView.PaymentDays, staffView.SensitiveHidden));
        var financeView = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(northId, Manager, default));
        Assert.Equal((50_000m, 30), (financeView.CreditLimit!.Value, financeView.PaymentDays!.Value));
        Assert.NotEqual(Guid.Empty, mine);
    }

    [Fact]
    public async Task StaffList_MergesTheirRegionsAndOwnRows_InNameOrder_OnEveryPage()
    {
        RequireDatabase();
        // anna sees north and south (her groups) and what she owns anywhere; a row both in her region and hers must come once.
        var anna = EngineHarness.User("anna", "north", "south", "sales");
        string[] regions = ["north", "south", "west", "east"];
        var expected = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var region = regions[i % 4];
            var owner = i % 5 == 0 ? "anna" : "marek";
            var name = $"Firma {(char)('A' + (i * 7 % 24))}{i:00}";
            var categories = i % 3 == 0 ? new[] { "supplier" } : ["customer"];
            await CreateAsync(Company(name, null, region) with { Owner = owner, Categories = categories, CreditLimit = null });
            if (region is "north" or "south" || owner == "anna")
            {
                expected.Add(name);
            }
        }

        expected.Sort(StringComparer.Ordinal);
        var byOffset = new List<string>();
        var byKeyset = new List<string>();
        Guid? after = null;
        for (var page = 1; page <= 5; page++)
        {
            var offset = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, page, 4, anna, default));
            var keyset = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, null, 1, 4, anna, default, after: after));
            Assert.Equal(expected.Count, offset.Total);
            byOffset.AddRange(offset.Items.Select(i => i.Name));
            byKeyset.AddRange(keyset.Items.Select(i => i.Name));
            after = keyset.Items.Count > 0 ? keyset.Items[^1].Id : after;
        }

        Assert.Equal(expected, byOffset);
        Assert.Equal(expected, byKeyset);

        // Category and search narrow every part alike; a category with LIKE wildcards in it matches nothing rather than everything.
        var suppliers = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync("firma", "supplier", 1, 50, anna, default));
        Assert.Equal(expected.Where(n => int.Parse(n[^2..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0), suppliers.Items.Select(i => i.Name));
        var wildcard = await Engine.RunAsync<CounterpartyService, PagedList<CounterpartyListItem>>(s => s.ListAsync(null, "%", 1, 50, anna, default));
        Assert.Empty(wildcard.Items);
        var export = await Engine.RunAsync<CounterpartyService, byte[]>(s => s.ExportAsync(null, null, new CounterpartyListOptions([], ["name"]), anna, default));
        Assert.Equal(["Name", .. expected], CustomFieldScenarioTests.ReadSheet(export));
    }

    [Fact]
    public async Task CsvImport_PreviewsThenImportsValidRows_AndReportsErrorsAndDuplicatesPerLine()
    {
        RequireDatabase();
        await CreateAsync(Company("Istniejąca Firma", "7740001454"));
        const string csv = "Nazwa;NIP;Ulica;Kod pocztowy;Miasto;Konto\n"
            + "Nowa Firma sp. z o.o.;526-025-02-74;ul. Prosta 1;00-950;Warszawa;PL61 1090 1014 0000 0712 1981 2874\n"
            + "\"Zły NIP; \"\"Cudzysłów\"\" S.A.\";5260250275;ul. Krzywa 2;00-950;Warszawa;\n"
            + "Duplikat;7740001454;;;;\n"
            + ";;ul. Bez Nazwy 3;12345;Łódź;\n";
        var (header, rows) = CounterpartyImport.ParseCsv(csv);
        Assert.Equal(6, header.Count);
        Assert.Equal("Zły NIP; \"Cudzysłów\" S.A.", rows[1][0]);
        var mapping = header.Select((h, i) => (i, field: ImportFields.Guess(h))).Where(x => x.field is not null).ToDictionary(x => x.i, x => x.field!);
        Assert.Equal(["name", "nip", "street", "postalCode", "city", "iban"], mapping.OrderBy(m => m.Key).Select(m => m.Value));

        var preview = await Engine.RunAsync<CounterpartyImport, ImportReport>(s => s.RunAsync(rows, mapping, commit: false, importDuplicates: false, Manager, null, default));
        Assert.Equal((4, 1, 2, 1, 0), (preview.Rows, preview.Valid, preview.Invalid, preview.Duplicates, preview.Imported));
        Assert.Contains("nip", preview.Results.Single(r => r.Line == 3).Errors.Keys);
        Assert.Equal(["addresses[0].postalCode", "name"], preview.Results.Single(r => r.Line == 5).Errors.Keys.Order());
        Assert.Equal(1, await Engine.RunAsync<CrmDbContext, int>(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Counterparties)));

        var imported = await Engine.RunAsync<CounterpartyImport, ImportReport>(s => s.RunAsync(rows, mapping, commit: true, importDuplicates: false, Manager, null, default));
        Assert.Equal(1, imported.Imported);
        var created = await Engine.RunAsync<CounterpartyService, CounterpartyView>(s => s.GetAsync(imported.Results.Single(r => r.Status == "imported").Id!.Value, Manager, default));
        Assert.Equal(("5260250274", "Warszawa", "PL61109010140000071219812874"), (created.Nip, created.Addresses.Single().City, created.BankAccounts.Single()));
    }

    [Fact]
    public async Task SalesCycle_MovesTheCaseThroughItsPhases_AndRemindsWhenAPhaseStalls()
    {
        RequireDatabase();
        var customer = await CreateAsync(Company("Cykl Sprzedaży sp. z o.o.", null, "north"));
        var anna = EngineHarness.User("anna", "north");
        var caseId = await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Serwery dla Cyklu", customer, null, 120_000m, "PLN", null, null, null, null), anna, default));
        async Task<CrmCase> Case() => await Engine.RunAsync<CrmDbContext, CrmCase>(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Cases, c => c.Id == caseId));
        var instanceId = (await Case()).InstanceId!.Value;

        await Engine.CompleteAsync(await Engine.TaskAtAsync(instanceId, "qualify"), new { decision = "continue" }, anna);
        Assert.Equal("offer", (await Case()).Phase);
        await Engine.AdvanceAsync(TimeSpan.FromDays(7.1));   // the offer phase stalls: the owner is reminded
        var reminders = await Engine.RunAsync<CrmDbContext, int>(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Notifications, n => n.Kind == Crm.Platform.Notifications.NotificationKind.Reminder && n.Recipient == "anna"));
        Assert.Equal(1, reminders);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instanceId, "offer"), null, anna);
        Assert.Equal(("negotiation", 70), ((await Case()).Phase, (await Case()).Probability));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instanceId, "negotiate"), new { outcome = "won" }, anna);
        var won = await Case();
        Assert.Equal((CaseOutcome.Won, CaseGroup.Closed, "won"), (won.Outcome, won.Group, won.Phase));
        Assert.Equal("Completed", (await Engine.InstanceAsync(instanceId)).State);
    }

    [Fact]
    public async Task Funnel_CountsAndWeightsOpenCases_AndReportsWonAndLost()
    {
        RequireDatabase();
        var customer = await CreateAsync(Company("Lejek S.A.", null, "north"));
        async Task<Guid> Case(string phase, decimal value) =>
            await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest($"Deal {phase} {value}", customer, null, value, "PLN", null, null, phase, "anna"), Manager, default));
        await Case("qualification", 10_000);
        await Case("offer", 20_000);
        var toWin = await Case("negotiation", 50_000);
        var toLose = await Case("offer", 5_000);
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            var service = new CaseService(db, new CounterpartyAccess(Engine.Services.GetRequiredService<Crm.Platform.Access.AccessPolicy>(), db, TimeProvider.System), TimeProvider.System);
            await service.MoveAsync(toWin, "won", null, default);
            await service.MoveAsync(toLose, "lost", "price", default);
            await db.SaveChangesAsync();
        });

        var funnel = await Engine.RunAsync<CaseService, FunnelReport>(s => s.FunnelAsync(null, null, null, Manager, default));
        Assert.Equal(["qualification:1:10000:1000", "offer:1:20000:8000", "negotiation:0:0:0"], funnel.Phases.Select(p => $"{p.Phase}:{p.Count}:{p.Value:0}:{p.Weighted:0}"));
        Assert.Equal((1, 50_000m, 1, 5_000m), (funnel.Won, funnel.WonValue, funnel.Lost, funnel.LostValue));
        Assert.Equal(1, funnel.LostReasons["price"]);
        Assert.Equal(["qualification>offer:4:3:0.75", "offer>negotiation:3:1:0.333", "negotiation>won:1:1:1"],
            funnel.Conversions.Select(c => $"{c.From}>{c.To}:{c.Reached}:{c.WentOn}:{c.Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Equal("anna:2:1:1", funnel.Owners.Select(o => $"{o.Owner}:{o.Open}:{o.Won}:{o.Lost}").Single());
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("", null, null, -1, null, 120, null, "dreaming", null), Manager, default)));
        Assert.Equal(["phase", "probability", "title", "value"], bad.Errors.Keys.Order());
    }
}

public sealed class CounterpartyScenarioOnSqliteTests() : CounterpartyScenarioTests(DatabaseProvider.Sqlite);

public sealed class CounterpartyScenarioOnPostgreSqlTests() : CounterpartyScenarioTests(DatabaseProvider.PostgreSql);
