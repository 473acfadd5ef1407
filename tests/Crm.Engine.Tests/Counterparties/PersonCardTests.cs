using System.Text.Json;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>The person page: business data for everyone who sees the person, personal data only for those allowed, superiors without loops, revisions.</summary>
public abstract class PersonCardTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Finance = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "finance" });
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "north");

    [Fact]
    public async Task PersonDetails_BusinessForStaff_PersonalOnlyForTheAllowed_SuperiorsWithoutLoops()
    {
        RequireDatabase();
        var company = await Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", "Kadry sp. z o.o.", null, null, null, null,
            null, null, null, ["customer"], "north", null, null, null, "PLN", null, null, null), Finance, default));
        Task<Guid> Person(string first, string last) =>
            Engine.RunAsync<CrmActivityService, Guid>(s => s.CreatePersonAsync(new CreatePersonRequest(company, first, last, null, null, null, null, null), Finance, default));
        var boss = await Person("Barbara", "Szefowa");
        var worker = await Person("Wojciech", "Pracownik");
        Task<PersonView> Get(Guid id, CurrentUser user) => Engine.RunAsync<PersonCard, PersonView>(s => s.GetAsync(id, user, default));
        Task Update(Guid id, UpdatePersonRequest request, CurrentUser user) => Engine.RunAsync<PersonCard>(s => s.UpdateAsync(id, request, user, default));

        // Finance writes everything, personal data included.
        await Update(worker, new UpdatePersonRequest(0, "Wojciech", "Pracownik", "male", "Kierownik zakupów", "Zakupy", boss, "w.pracownik@kadry.pl", "+48 22 100 20 30",
            ["decydent", "zakupowiec"], "Woli kontakt rano.", true, "targi 2026", [new PersonContactInput("phone", "+48 600 700 800", "komórka"),
                new PersonContactInput("email", "wojtek@dom.pl", "prywatny", Private: true)],
            new DateOnly(1980, 5, 17), "04-23", "10 lat współpracy: 2027-02", "żona Anna, dwoje dzieci", "żeglarstwo", "ul. Domowa 1, Łódź"), Finance);
        var full = await Get(worker, Finance);
        Assert.Equal(("male", boss, "Barbara Szefowa", 2, "żeglarstwo", false), (full.Gender, full.SuperiorId!.Value, full.SuperiorName, full.Contacts.Count, full.Hobbies, full.PersonalHidden));
        Assert.Equal(["decydent", "zakupowiec"], full.Roles);
        Assert.NotNull(full.ConsentAt);

        // Staff see the business side only, and may not write the personal side.
        var staffView = await Get(worker, Anna);
        Assert.Equal((true, null, null, null), (staffView.PersonalHidden, staffView.Birthday, staffView.Hobbies, staffView.PrivateAddress));
        Assert.Equal(["+48 600 700 800"], staffView.Contacts.Select(c => c.Value));
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Update(worker, new UpdatePersonRequest(staffView.Revision, "Wojciech", "Pracownik", Hobbies: "wędkarstwo",
            Contacts: [new PersonContactInput("email", "inny@dom.pl", null, Private: true)]), Anna));
        Assert.Equal(["contacts[0]", "personal"], refused.Errors.Keys.Order());

        // A staff edit of the business side keeps the personal data and private contacts as they were.
        await Update(worker, new UpdatePersonRequest(staffView.Revision, "Wojciech", "Pracownik", "male", "Dyrektor zakupów", "Zakupy", boss, "w.pracownik@kadry.pl", null,
            ["decydent"], null, true, "targi 2026", [new PersonContactInput("phone", "+48 600 700 801", "komórka")]), Anna);
        var after = await Get(worker, Finance);
        Assert.Equal(("Dyrektor zakupów", "żeglarstwo", new DateOnly(1980, 5, 17)), (after.Position, after.Hobbies, after.Birthday!.Value));
        Assert.Equal(["+48 600 700 801", "wojtek@dom.pl"], after.Contacts.Select(c => c.Value));
        var stale = await Assert.ThrowsAsync<ConflictException>(() => Update(worker, new UpdatePersonRequest(staffView.Revision, "Wojciech", "Pracownik"), Anna));
        Assert.Contains("changed this person", stale.Message, StringComparison.Ordinal);

        // Superiors: within the company, never a loop; bad values are named.
        var loop = await Assert.ThrowsAsync<ValidationFailedException>(() => Update(boss, new UpdatePersonRequest(0, "Barbara", "Szefowa", SuperiorId: worker), Finance));
        Assert.Contains("loop", loop.Errors["superiorId"][0], StringComparison.Ordinal);
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Update(boss, new UpdatePersonRequest(0, "Barbara", "", Gender: "robot", NameDay: "13-45",
            Contacts: [new PersonContactInput("fax", "123", null), new PersonContactInput("email", "bez-malpy", null)]), Finance));
        Assert.Equal(["contacts[0]", "contacts[1]", "gender", "lastName", "nameDay"], bad.Errors.Keys.Order());

        // Admin-defined person fields: validated like counterparty ones, sensitive ones only for those allowed.
        await Engine.RunAsync<CustomFieldService, Guid>(s => s.DefineAsync(new DefineFieldRequest("person", "linkedin", "LinkedIn", "text", Pattern: "^https://"), EngineHarness.Admin, default));
        await Engine.RunAsync<CustomFieldService, Guid>(s => s.DefineAsync(new DefineFieldRequest("person", "salary", "Wynagrodzenie", "number", Sensitive: true), EngineHarness.Admin, default));
        var current = await Get(boss, Anna);
        var badField = await Assert.ThrowsAsync<ValidationFailedException>(() => Update(boss, new UpdatePersonRequest(current.Revision, "Barbara", "Szefowa",
            CustomFields: new Dictionary<string, JsonElement> { ["linkedin"] = JsonSerializer.SerializeToElement("linkedin.com/in/b"), ["salary"] = JsonSerializer.SerializeToElement(9000) }), Anna));
        Assert.Equal(["customFields.linkedin", "customFields.salary"], badField.Errors.Keys.Order());
        await Update(boss, new UpdatePersonRequest(current.Revision, "Barbara", "Szefowa",
            CustomFields: new Dictionary<string, JsonElement> { ["linkedin"] = JsonSerializer.SerializeToElement("https://linkedin.com/in/b") }), Anna);
        Assert.Equal("https://linkedin.com/in/b", (await Get(boss, Anna)).CustomFields["linkedin"]);
    }
}

public sealed class PersonCardOnSqliteTests() : PersonCardTests(DatabaseProvider.Sqlite);

public sealed class PersonCardOnPostgreSqlTests() : PersonCardTests(DatabaseProvider.PostgreSql);
