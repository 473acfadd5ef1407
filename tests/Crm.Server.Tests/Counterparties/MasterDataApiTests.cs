using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Counterparties;

/// <summary>A company's master data after creation over HTTP: rename, addresses, bank accounts, blocks, archive, each revision-checked and in its history.</summary>
public abstract class MasterDataApiTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task StaffRenameAndMoveACompany_FinanceKeepsItsAccounts_BlocksAreLiftedWithAReason_ManagersArchive_AndTheHistoryTellsWho()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");   // admin: manager rights
        using var anna = await App.CreateClientAsAsync("anna");     // staff, region "sales"
        using var marek = await App.CreateClientAsAsync("marek");   // staff, region "sales" too
        var created = await kasia.PostAsJsonAsync("/api/counterparties", new
        {
            name = "Hurtownia Stal Sp. z o.o.", region = "sales",
            addresses = new[] { new { kind = "registered", street = "Długa 1", postalCode = "00-001", city = "Warszawa", validFrom = "2020-01-01" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Rename: the old name stays in the history; a stale page is told to reload.
        var revision = await RevisionAsync(anna, id);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PostAsJsonAsync($"/api/counterparties/{id}/rename", new { name = "Stal-Hurt S.A.", from = "2026-07-01", revision })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await marek.PostAsJsonAsync($"/api/counterparties/{id}/rename", new { name = "Other", revision })).StatusCode);
        var view = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        Assert.Equal("Stal-Hurt S.A.", view.GetProperty("name").GetString());
        Assert.Contains("Hurtownia Stal Sp. z o.o.", view.GetProperty("previousNames").EnumerateArray().Select(n => n.GetString()));

        // A new registered address ends the old one the day before.
        var moved = await anna.PostAsJsonAsync($"/api/counterparties/{id}/addresses", new { kind = "registered", street = "Prosta 5", postalCode = "30-001", city = "Kraków", validFrom = "2026-09-01", revision = await RevisionAsync(anna, id) });
        Assert.Equal(HttpStatusCode.Created, moved.StatusCode);
        var onOldDay = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}/addresses?on=2026-08-31");
        Assert.Equal("Warszawa", onOldDay.EnumerateArray().Single().GetProperty("city").GetString());
        var onNewDay = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}/addresses?on=2026-09-01");
        Assert.Equal("Kraków", onNewDay.EnumerateArray().Single().GetProperty("city").GetString());
        var badAddress = await anna.PostAsJsonAsync($"/api/counterparties/{id}/addresses", new { kind = "registered", street = "", city = "X", validFrom = "2026-08-01", revision = await RevisionAsync(anna, id) });
        var badFields = (await badAddress.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(badFields.TryGetProperty("street", out _));
        Assert.True(badFields.TryGetProperty("validFrom", out _));

        // Bank accounts: finance and managers only, IBAN checked, retired ones stay listed.
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsJsonAsync($"/api/counterparties/{id}/bank-accounts", new { iban = "PL61109010140000071219812874", revision = await RevisionAsync(anna, id) })).StatusCode);
        var badIban = await kasia.PostAsJsonAsync($"/api/counterparties/{id}/bank-accounts", new { iban = "PL61109010140000071219812875", revision = await RevisionAsync(kasia, id) });
        Assert.Equal(HttpStatusCode.BadRequest, badIban.StatusCode);
        Assert.Contains("iban", await badIban.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var account = await (await kasia.PostAsJsonAsync($"/api/counterparties/{id}/bank-accounts", new { iban = "PL61 1090 1014 0000 0712 1981 2874", bank = "Santander", revision = await RevisionAsync(kasia, id) }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NoContent, (await kasia.PostAsJsonAsync($"/api/counterparties/{id}/bank-accounts/{account.GetProperty("id").GetGuid()}/retire", new { revision = await RevisionAsync(kasia, id) })).StatusCode);
        var accounts = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}/bank-accounts");
        Assert.Equal("kasia", accounts.EnumerateArray().Single().GetProperty("retiredBy").GetString());
        Assert.Empty((await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}")).GetProperty("bankAccounts").EnumerateArray());   // in use: none

        // A block: set by Anna, not lifted by Marek, lifted by Anna with a reason.
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PostAsJsonAsync($"/api/counterparties/{id}/blocks", new { kind = "sales", reason = "Unpaid invoices", revision = await RevisionAsync(anna, id) })).StatusCode);
        view = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        var block = view.GetProperty("blocks").EnumerateArray().Single();
        Assert.True(block.GetProperty("activeToday").GetBoolean());
        Assert.Equal("anna", block.GetProperty("setBy").GetString());
        var blockId = block.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await marek.PostAsJsonAsync($"/api/counterparties/{id}/blocks/{blockId}/lift", new { reason = "paid", revision = await RevisionAsync(marek, id) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsJsonAsync($"/api/counterparties/{id}/blocks/{blockId}/lift", new { reason = "", revision = await RevisionAsync(anna, id) })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PostAsJsonAsync($"/api/counterparties/{id}/blocks/{blockId}/lift", new { reason = "Paid in full", revision = await RevisionAsync(anna, id) })).StatusCode);
        var lifted = (await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}")).GetProperty("blocks").EnumerateArray().Single();
        Assert.Equal("Paid in full", lifted.GetProperty("liftReason").GetString());
        Assert.False(lifted.GetProperty("activeToday").GetBoolean());   // lifted now, not tomorrow
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsJsonAsync($"/api/counterparties/{id}/blocks/{blockId}/lift", new { reason = "again", revision = await RevisionAsync(anna, id) })).StatusCode);

        // Archive: managers only; gone from the default list, listed with archived=true.
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsJsonAsync($"/api/counterparties/{id}/archive", new { archived = true, revision = await RevisionAsync(anna, id) })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await kasia.PostAsJsonAsync($"/api/counterparties/{id}/archive", new { archived = true, revision = await RevisionAsync(kasia, id) })).StatusCode);
        var current = await anna.GetFromJsonAsync<JsonElement>("/api/counterparties?search=stal");
        Assert.DoesNotContain(current.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        var archived = await anna.GetFromJsonAsync<JsonElement>("/api/counterparties?search=stal&archived=true");
        Assert.Contains(archived.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);

        // The history names who did what, newest first.
        var changes = (await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}/changes")).EnumerateArray().ToList();
        var actions = changes.Select(c => (c.GetProperty("actor").GetString(), c.GetProperty("action").GetString())).ToList();
        Assert.Contains(("anna", "crm.counterparty-edited"), actions);
        Assert.Contains(("anna", "crm.counterparty-address-added"), actions);
        Assert.Contains(("kasia", "crm.counterparty-bank-account-retired"), actions);
        Assert.Contains(("anna", "crm.counterparty-block-lifted"), actions);
        Assert.Equal(("kasia", "crm.counterparty-edited"), actions[0]);   // the archive
        Assert.Contains("Stal-Hurt S.A.", changes.Last(c => c.GetProperty("action").GetString() == "crm.counterparty-edited").GetProperty("data").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MergingADuplicate_MovesEverythingThatPointsAtIt_ArchivesIt_AndIsAudited()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        var keep = await CreateAsync(kasia, new { name = "Piekarnia Złoty Kłos", region = "sales", bankAccounts = new[] { new { iban = "PL61109010140000071219812874" } } });
        var dup = await CreateAsync(kasia, new { name = "Piekarnia Zloty Klos sp.j.", region = "sales", allowDuplicate = true,
            bankAccounts = new[] { new { iban = "PL61109010140000071219812874" }, new { iban = "DE89370400440532013000" } } });

        var person = await CreatedIdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = dup, firstName = "Jan", lastName = "Piekarz" }));
        await CreatedIdAsync(await anna.PostAsJsonAsync("/api/activities", new { counterpartyId = dup, type = "call", subject = "Order", status = "done", personId = person }));
        await CreatedIdAsync(await anna.PostAsJsonAsync("/api/notes", new { text = "Prefers mornings", counterpartyId = dup }));
        await CreatedIdAsync(await anna.PostAsJsonAsync("/api/cases", new { title = "Bread supply", counterpartyId = dup, value = 1000 }));
        var complaint = await anna.PostAsJsonAsync("/api/complaints", new
        {
            subject = "Stale bread", counterpartyId = dup, kind = "consumer", againstType = "product", productName = "Bread", channel = "phone", demand = "replacement", defectDescription = "Stale",
        });
        Assert.Equal(HttpStatusCode.Created, complaint.StatusCode);

        var request = new { duplicateId = dup, revision = await RevisionAsync(kasia, keep), duplicateRevision = await RevisionAsync(kasia, dup) };
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsJsonAsync($"/api/counterparties/{keep}/merge", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await kasia.PostAsJsonAsync($"/api/counterparties/{keep}/merge", request with { duplicateRevision = request.duplicateRevision + 1 })).StatusCode);
        var merged = await kasia.PostAsJsonAsync($"/api/counterparties/{keep}/merge", request);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var moved = (await merged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved");
        Assert.Equal(1, moved.GetProperty("persons").GetInt32());
        Assert.Equal(1, moved.GetProperty("activities").GetInt32());
        Assert.Equal(1, moved.GetProperty("notes").GetInt32());
        Assert.Equal(1, moved.GetProperty("cases").GetInt32());
        Assert.Equal(1, moved.GetProperty("complaints").GetInt32());
        Assert.Equal(1, moved.GetProperty("bank accounts").GetInt32());   // the IBAN both had stays once

        var survivor = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{keep}");
        Assert.Contains("Piekarnia Zloty Klos sp.j.", survivor.GetProperty("previousNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Single((await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{keep}/persons")).EnumerateArray());
        Assert.Equal(2, (await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{keep}/bank-accounts")).GetArrayLength());
        var timeline = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{keep}/timeline");
        Assert.Contains("Stale bread", timeline.GetRawText(), StringComparison.Ordinal);
        var gone = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{dup}");
        Assert.True(gone.GetProperty("archived").GetBoolean());
        Assert.Empty((await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{dup}/persons")).EnumerateArray());
        Assert.Contains((await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{keep}/changes")).EnumerateArray(),
            c => c.GetProperty("action").GetString() == "crm.counterparty-merged" && c.GetProperty("actor").GetString() == "kasia");
        Assert.Equal(HttpStatusCode.Conflict, (await kasia.PostAsJsonAsync($"/api/counterparties/{keep}/merge",
            new { duplicateId = dup, revision = await RevisionAsync(kasia, keep), duplicateRevision = await RevisionAsync(kasia, dup) })).StatusCode);   // archived now
    }

    private static async Task<Guid> CreateAsync(HttpClient client, object body) => await CreatedIdAsync(await client.PostAsJsonAsync("/api/counterparties", body));

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<int> RevisionAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}")).GetProperty("revision").GetInt32();
}

public sealed class MasterDataApiOnSqliteTests() : MasterDataApiTests(DatabaseProvider.Sqlite);

public sealed class MasterDataApiOnPostgreSqlTests() : MasterDataApiTests(DatabaseProvider.PostgreSql);
