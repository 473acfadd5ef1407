using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Search;

/// <summary>
/// GET /api/global-search on the demo data: companies by name and by NIP prefix (with or without dashes), Polish word
/// forms with and without diacritics, documents by content, only what the caller may see (no hit and no count), and
/// records found again once the index has caught up with an edit.
/// </summary>
public abstract class GlobalSearchApiTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GlobalSearch_FindsRecordsByNameNipAndWordForm_OnlyWhatTheCallerMaySee()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var jan = await App.CreateClientAsAsync("jan");

        // The demo companies are in the index once the start-up rebuild is done.
        var agro = await WaitForAsync(anna, "Agroex", "counterparties", g => g.GetProperty("count").GetInt32() > 0);
        Assert.All(Items(agro), i => Assert.Contains("agroex", i.GetProperty("title").GetString()!, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("crm?q=Agroex", agro.GetProperty("showAll").GetString());

        // A new company of anna's (region sales): found by a word of its name without diacritics and by NIP prefix.
        var nip = ValidNip(Random.Shared.Next(100_000_000, 999_999_999));
        var created = await anna.PostAsJsonAsync("/api/counterparties", new { name = "Przędzalnia Żółwińska Testowa", nip, region = "sales" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var byWord = await WaitForAsync(anna, "zolwinska", "counterparties", g => Items(g).Any(i => i.GetProperty("id").GetString() == id));
        Assert.Equal(1, byWord.GetProperty("count").GetInt32());
        var dashed = $"{nip[..3]}-{nip[3..6]}";
        Assert.Contains(Items(await GroupAsync(anna, dashed, "counterparties")), i => i.GetProperty("id").GetString() == id);
        Assert.Contains(Items(await GroupAsync(anna, nip[..7], "counterparties")), i => i.GetProperty("id").GetString() == id);

        // jan (office) does not see anna's sales company: no hit and no count.
        var hidden = await GroupAsync(jan, "zolwinska", "counterparties");
        Assert.Equal(0, hidden.GetProperty("count").GetInt32());
        Assert.Empty(Items(hidden));
        Assert.Equal(0, (await GroupAsync(jan, nip, "counterparties")).GetProperty("count").GetInt32());

        // An edit is found once the index has caught up.
        var detail = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        var revision = detail.GetProperty("revision").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PutAsJsonAsync($"/api/counterparties/{id}", new { revision, shortName = "Kołowrotek" })).StatusCode);
        await WaitForAsync(anna, "kolowrotek", "counterparties", g => Items(g).Any(i => i.GetProperty("id").GetString() == id));

        // Polish forms: a ticket about "reklamację" is found by reklamacja, reklamacji, reklamacje and with the ogonek.
        var ticket = await jan.PostAsJsonAsync("/api/tickets", new { subject = "Klient zgłasza reklamację przesyłki kurierskiej", classification = "hardware", impact = 2, urgency = 3 });
        Assert.Equal(HttpStatusCode.Created, ticket.StatusCode);
        var ticketId = (await ticket.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        foreach (var form in new[] { "reklamacja przesyłka", "reklamacji", "reklamacje kurierska", "reklamację" })
        {
            await WaitForAsync(jan, form, "tickets", g => Items(g).Any(i => i.GetProperty("id").GetString() == ticketId));
        }

        // Anna does not work the office queue and does not see the ticket.
        Assert.DoesNotContain(Items(await GroupAsync(anna, "reklamacja przesyłki", "tickets")), i => i.GetProperty("id").GetString() == ticketId);

        // A document by a word of its content (any form), and a document narrowed to others is neither shown nor counted.
        var umowy = (await anna.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Umowy").GetProperty("id").GetString()!;
        var upload = await anna.PostAsync("/api/documents", Multipart(umowy, "protokol.txt", "Protokół odbioru: wymieniono sprężarki chłodnicze w magazynie."));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var documentId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await WaitForAsync(anna, "sprężarka chłodnicza", "documents", g => Items(g).Any(i => i.GetProperty("id").GetString() == documentId));
        using var marek = await App.CreateClientAsAsync("marek");
        await WaitForAsync(marek, "pismo poufne", "documents", g => Items(g).Any(i => i.GetProperty("title").GetString() == "Pismo poufne - zarząd"));
        Assert.DoesNotContain(Items(await GroupAsync(anna, "pismo poufne", "documents")), i => i.GetProperty("title").GetString() == "Pismo poufne - zarząd");
    }

    [Fact]
    public async Task Persons_FoundByEmailAndPhoneStart_OnlyWhileFieldRulesLetTheCallerReadThem()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        var company = await anna.PostAsJsonAsync("/api/counterparties", new { name = "Piekarnia Kłos Testowa", region = "sales" });
        Assert.Equal(HttpStatusCode.Created, company.StatusCode);
        var companyId = (await company.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var created = await anna.PostAsJsonAsync("/api/persons",
            new { counterpartyId = companyId, firstName = "Halina", lastName = "Kłosowska", email = "H.Klosowska@piekarnia-test.example", phone = "+48 600 123 457" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        bool Found(JsonElement group) => Items(group).Any(i => i.GetProperty("id").GetString() == person);

        await WaitForAsync(anna, "h.klosowska@piek", "persons", Found);
        await WaitForAsync(anna, "600 123 457", "persons", Found);   // the national number, without +48

        // A field rule hides the persons' phone from the sales group: the page leaves it out and search no longer finds by it.
        Assert.Equal(HttpStatusCode.NoContent, (await kasia.PutAsJsonAsync("/api/admin/access/field-rules",
            new { subject = "group:sales", objectType = "person", field = "phone", level = "hidden" })).StatusCode);
        try
        {
            Assert.False(Found(await GroupAsync(anna, "600 123 457", "persons")));
            Assert.False(Found(await GroupAsync(anna, "h.klosowska@piek", "persons")));
            Assert.True(Found(await GroupAsync(anna, "Kłosowska", "persons")));
            var page = await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{person}");
            Assert.Equal(JsonValueKind.Null, page.GetProperty("phone").ValueKind);
            Assert.Equal("H.Klosowska@piekarnia-test.example", page.GetProperty("email").GetString());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await kasia.PutAsJsonAsync("/api/admin/access/field-rules",
                new { subject = "group:sales", objectType = "person", field = "phone", level = "write" })).StatusCode);
        }

        Assert.True(Found(await GroupAsync(anna, "600 123", "persons")));
    }

    [Fact]
    public async Task GlobalSearch_BadInput_IsProblemDetails()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        var tooShort = await anna.GetAsync("/api/global-search?q=a");
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal("application/problem+json", tooShort.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/global-search?q=" + new string('x', 201))).StatusCode);
        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/global-search?q=agroex")).StatusCode);
    }

    private static List<JsonElement> Items(JsonElement group) => [.. group.GetProperty("items").EnumerateArray()];

    private static async Task<JsonElement> GroupAsync(HttpClient client, string text, string group)
    {
        var result = await client.GetFromJsonAsync<JsonElement>("/api/global-search?perGroup=20&q=" + Uri.EscapeDataString(text));
        return result.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == group);
    }

    /// <summary>The index is fed through the outbox: ask again until the group satisfies the condition.</summary>
    private static async Task<JsonElement> WaitForAsync(HttpClient client, string text, string group, Func<JsonElement, bool> condition)
    {
        var until = DateTime.UtcNow + CatchUp;
        while (true)
        {
            var found = await GroupAsync(client, text, group);
            if (condition(found))
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < until, $"'{text}' not found in {group}: {found}");
            await Task.Delay(200);
        }
    }

    /// <summary>A NIP with a valid check digit, from nine digits.</summary>
    private static string ValidNip(int nine)
    {
        int[] weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
        for (var candidate = nine; ; candidate++)
        {
            var digits = candidate.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var check = digits.Select((d, i) => (d - '0') * weights[i]).Sum() % 11;
            if (check < 10)
            {
                return digits + check;
            }
        }
    }

    private static MultipartFormDataContent Multipart(string folderId, string fileName, string text)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        return new MultipartFormDataContent { { new StringContent(folderId), "folderId" }, { file, "file", fileName } };
    }
}

public sealed class GlobalSearchApiOnSqliteTests() : GlobalSearchApiTests(DatabaseProvider.Sqlite);

public sealed class GlobalSearchApiOnPostgreSqlTests() : GlobalSearchApiTests(DatabaseProvider.PostgreSql);
