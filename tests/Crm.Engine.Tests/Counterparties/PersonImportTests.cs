using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>Persons from vCard (folded lines, escapes, quoted-printable) and CSV, linked to the company named in the file.</summary>
public abstract class PersonImportTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Manager = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "finance" });
    private static readonly CurrentUser North = EngineHarness.User("anna", "north");

    private const string Cards = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kowalska;Maria;;;\r\nFN:Maria Kowalska\r\nORG:Wiertex sp. z o.o.;Zakupy\r\nTITLE:Kierownik\r\n"
        + "  zakupów\r\nEMAIL;TYPE=work:maria.kowalska@wiertex.pl\r\nTEL;TYPE=cell:+48 600 100 200\r\nBDAY:1985-04-12\r\nEND:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=BBak;Pawe=C5=82\r\nORG:Nieznana Firma\r\nEMAIL:pawel@example.pl\r\nEND:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jan\r\nEMAIL:zly-adres\r\nEND:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Nowak;Adam\r\nEMAIL:ADAM@wiertex.pl\r\nORG:7740001454\r\nEND:VCARD\r\n";

    [Fact]
    public void VCard_IsParsed_WithFoldingEscapesAndQuotedPrintable()
    {
        var records = PersonImport.ParseVCards(Cards);
        Assert.Equal(4, records.Count);
        var maria = records[0];
        Assert.Equal(("Maria", "Kowalska", "Kierownik zakupów", "Zakupy", "maria.kowalska@wiertex.pl", "+48 600 100 200", new DateOnly(1985, 4, 12), "Wiertex sp. z o.o."),
            (maria.Request.FirstName, maria.Request.LastName, maria.Request.Position, maria.Request.Department, maria.Request.Email, maria.Request.Phone, maria.Request.Birthday!.Value, maria.Company));
        Assert.Equal(("Paweł", "Żak"), (records[1].Request.FirstName, records[1].Request.LastName));
        Assert.True(PersonImport.LooksLikeVCard("\uFEFF" + Cards));
        Assert.False(PersonImport.LooksLikeVCard("Imię;Nazwisko\n"));
    }

    [Fact]
    public async Task Import_LinksToVisibleCompanies_ReportsErrorsAndDuplicates_AndPreviewStoresNothing()
    {
        RequireDatabase();
        var wiertex = await Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", "Wiertex sp. z o.o.", null, "7740001454", null, null,
            null, null, null, ["customer"], "north", null, null, null, "PLN", null, null, null), Manager, default));
        await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreatePersonAsync(new CreatePersonRequest(wiertex, "Adam", "Nowak", null, null, "adam@wiertex.pl", null, null), Manager, default));
        var records = PersonImport.ParseVCards(Cards);

        var preview = await Engine.RunAsync<PersonImport, PersonImportReport>(s => s.RunAsync(records, commit: false, importDuplicates: false, North, null, default));
        Assert.Equal((4, 2, 1, 1, 0), (preview.Rows, preview.Valid, preview.Invalid, preview.Duplicates, preview.Imported));
        Assert.Equal(["email", "lastName"], preview.Results.Single(r => r.Status == "invalid").Errors.Keys.Order());
        Assert.Contains("No company 'Nieznana Firma'", preview.Results.Single(r => r.Name == "Paweł Żak").Note);
        Assert.Single(await Engine.RunAsync<CrmActivityService, List<ContactPerson>>(s => s.PersonsAsync(wiertex, Manager, default)));

        var imported = await Engine.RunAsync<PersonImport, PersonImportReport>(s => s.RunAsync(records, commit: true, importDuplicates: false, North, null, default));
        Assert.Equal(2, imported.Imported);
        var persons = await Engine.RunAsync<CrmActivityService, List<ContactPerson>>(s => s.PersonsAsync(wiertex, Manager, default));
        Assert.Equal(["Kowalska", "Nowak"], persons.Select(p => p.LastName).Order());

        var csv = PersonImport.ParseCsv("Imię;Nazwisko;Firma;E-mail\nOla;Lis;7740001454;ola@wiertex.pl\n;Bez Imienia;;\n");
        var fromCsv = await Engine.RunAsync<PersonImport, PersonImportReport>(s => s.RunAsync(csv, commit: true, importDuplicates: false, North, null, default));
        Assert.Equal((1, 1), (fromCsv.Imported, fromCsv.Invalid));
        Assert.Contains(await Engine.RunAsync<CrmActivityService, List<ContactPerson>>(s => s.PersonsAsync(wiertex, Manager, default)), p => p.FirstName == "Ola");
    }

    [Fact]
    public async Task PersonsList_ShowsPersonsOfVisibleCompanies_AndOwnStandalonePersons_AndScopesImportDuplicates()
    {
        RequireDatabase();
        var south = EngineHarness.User("jan", "south");
        Task<Guid> Company(string name, string region) => Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", name, null, null, null, null,
            null, null, null, ["customer"], region, null, null, null, "PLN", null, null, null), Manager, default));
        Task<Guid> Person(Guid? company, string first, string last, string email, CurrentUser by) =>
            Engine.RunAsync<CrmActivityService, Guid>(s => s.CreatePersonAsync(new CreatePersonRequest(company, first, last, null, null, email, null, null), by, default));
        var northCompany = await Company("Północ sp. z o.o.", "north");
        var southCompany = await Company("Południe S.A.", "south");
        await Person(northCompany, "Ewa", "Zielińska", "ewa@polnoc.pl", Manager);
        await Person(southCompany, "Olaf", "Bąk", "olaf@poludnie.pl", Manager);
        await Person(null, "Iga", "Kot", "iga@example.pl", North);      // standalone, anna's
        await Person(null, "Rafał", "Mak", "rafal@example.pl", south);  // standalone, jan's

        Task<PagedList<PersonListItem>> List(string? search, CurrentUser user) =>
            Engine.RunAsync<PersonDirectory, PagedList<PersonListItem>>(s => s.ListAsync(search, 1, 50, user, default));
        var annas = await List(null, North);
        Assert.Equal(["Kot", "Zielińska"], annas.Items.Select(p => p.LastName));
        Assert.Equal("Północ sp. z o.o.", annas.Items.Single(p => p.LastName == "Zielińska").CounterpartyName);
        Assert.Equal(["Bąk", "Mak"], (await List(null, south)).Items.Select(p => p.LastName));
        Assert.Equal(4, (await List(null, Manager)).Total);
        Assert.Equal(["Zielińska"], (await List("ewa zieli", North)).Items.Select(p => p.LastName));
        Assert.Equal(["Zielińska"], (await List("POLNOC.PL", North)).Items.Select(p => p.LastName));
        Assert.Empty((await List("olaf", North)).Items);
        var byCompany = await Engine.RunAsync<PersonDirectory, PagedList<PersonListItem>>(s => s.ListAsync(null, 1, 50, Manager, default, "company", descending: true));
        Assert.Equal(["Bąk", "Zielińska", "Kot", "Mak"], byCompany.Items.Select(p => p.LastName));   // południe, północ, then no company (by name)
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<PersonDirectory, PagedList<PersonListItem>>(s => s.ListAsync(null, 1, 50, Manager, default, "shoeSize")));

        // Filters on any field, admin-defined ones included, inside the caller's scope.
        await Engine.RunAsync<Crm.Modules.Counterparties.Fields.CustomFieldService, Guid>(s => s.DefineAsync(
            new Crm.Modules.Counterparties.Fields.DefineFieldRequest("person", "vip", "VIP", "bool"), EngineHarness.Admin, default));
        var ewa = annas.Items.Single(p => p.LastName == "Zielińska").Id;
        var ewaView = await Engine.RunAsync<PersonCard, PersonView>(s => s.GetAsync(ewa, Manager, default));
        await Engine.RunAsync<PersonCard>(s => s.UpdateAsync(ewa, new UpdatePersonRequest(ewaView.Revision, "Ewa", "Zielińska", Email: "ewa@polnoc.pl",
            CustomFields: new Dictionary<string, System.Text.Json.JsonElement> { ["vip"] = System.Text.Json.JsonSerializer.SerializeToElement(true) }), Manager, default));
        Task<PagedList<PersonListItem>> Filtered(CurrentUser user, params string[] filters) => Engine.RunAsync<PersonDirectory, PagedList<PersonListItem>>(s =>
            s.ListAsync(null, 1, 50, user, default, null, false, [.. filters.Select(Crm.Modules.Counterparties.Fields.FieldFilter.Parse)]));
        Assert.Equal(["Zielińska"], (await Filtered(Manager, "cf.vip:eq:true")).Items.Select(p => p.LastName));
        Assert.Equal(["Bąk", "Zielińska"], (await Filtered(Manager, "company:set:")).Items.Select(p => p.LastName));
        Assert.Equal(["Kot"], (await Filtered(North, "company:empty:", "email:contains:example")).Items.Select(p => p.LastName));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Filtered(North, "shoeSize:eq:42"));

        // Chosen columns: in the rows (custom ones too) and in the export, in that order; unknown ones refused.
        var withVip = await Engine.RunAsync<PersonDirectory, PagedList<PersonListItem>>(s => s.ListAsync("zieli", 1, 50, Manager, default, columns: ["company", "cf.vip"]));
        Assert.Equal(true, withVip.Items.Single().Values!["cf.vip"]);
        var sheet = await Engine.RunAsync<PersonDirectory, byte[]>(s => s.ExportAsync("zieli", null, false, null, Manager, default, ["cf.vip", "company"]));
        Assert.Equal(["Last name|First name|VIP|Company", "Zielińska|Ewa|1|Północ sp. z o.o."], CustomFieldScenarioTests.ReadSheet(sheet));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<PersonDirectory, byte[]>(s => s.ExportAsync(null, null, false, null, North, default, ["shoeSize"])));
        await Engine.RunAsync<PersonDirectory>(s => s.SaveColumnsAsync(North, ["email", "cf.vip"], default));
        Assert.Equal(["email", "cf.vip"], await Engine.RunAsync<PersonDirectory, IReadOnlyList<string>?>(s => s.SavedColumnsAsync(North, default)));

        // The import's duplicate check looks only at persons the importer sees: it must not reveal jan's or the south's contacts to anna.
        var csv = PersonImport.ParseCsv("Imię;Nazwisko;E-mail\nOlaf;Bąk;olaf@poludnie.pl\nEwa;Zielińska;EWA@polnoc.pl\n");
        var report = await Engine.RunAsync<PersonImport, PersonImportReport>(s => s.RunAsync(csv, commit: false, importDuplicates: false, North, null, default));
        Assert.Equal(["Olaf Bąk:valid", "Ewa Zielińska:duplicate"], report.Results.Select(r => $"{r.Name}:{r.Status}"));
    }
}

public sealed class PersonImportOnSqliteTests() : PersonImportTests(DatabaseProvider.Sqlite);

public sealed class PersonImportOnPostgreSqlTests() : PersonImportTests(DatabaseProvider.PostgreSql);
