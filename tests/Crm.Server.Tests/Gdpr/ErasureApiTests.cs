using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Audit;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Gdpr;

/// <summary>GDPR erasure through the four-eyes process: the person's data gone, the audit rows about them pseudonymised, the chain still verifying.</summary>
public abstract class ErasureApiTests(DatabaseProvider provider)
    : ServerTestBase(provider, new Dictionary<string, string?> { ["Crm:Gdpr:Approvers"] = "compliance,office" })
{
    [Fact]
    public async Task AnErasure_IsApprovedBySomeoneElse_ClearsThePerson_PseudonymisesTheAudit_AndTheChainStillVerifies()
    {
        using var ewa = await App.CreateClientAsAsync("ewa");       // compliance: asks
        using var kasia = await App.CreateClientAsAsync("kasia");   // admin in the "office" group: approves
        using var anna = await App.CreateClientAsAsync("anna");     // staff
        var company = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = "Erazm Meble", region = "sales" }));
        var person = await CreatedIdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Zofia", lastName = "Zapomniana", email = "zofia@example.com", phone = "+48 600 100 200" }));
        await CreatedIdAsync(await anna.PostAsJsonAsync("/api/notes", new { text = "Zofia prefers calls after 3 pm", counterpartyId = company, personId = person }));
        var card = await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{person}");
        var edited = await anna.PutAsJsonAsync($"/api/persons/{person}", new
        {
            revision = card.GetProperty("revision").GetInt32(), firstName = "Zofia", lastName = "Zapomniana-Nowak", email = "zofia@example.com", marketingConsent = true, consentSource = "web form",
        });
        Assert.True(edited.StatusCode == HttpStatusCode.NoContent, await edited.Content.ReadAsStringAsync());   // an audit row with her names before and after
        Assert.Equal(HttpStatusCode.OK, (await ewa.GetAsync($"/api/persons/{person}/gdpr-export")).StatusCode);

        // Only officers ask, and only with a reason; one open request per person.
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsJsonAsync($"/api/persons/{person}/erasure", new { reason = "asked" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ewa.PostAsJsonAsync($"/api/persons/{person}/erasure", new { reason = " " })).StatusCode);
        var asked = await ewa.PostAsJsonAsync($"/api/persons/{person}/erasure", new { reason = "E-mail of 2026-12-01 from the person, art. 17" });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = await asked.Content.ReadFromJsonAsync<JsonElement>();
        var requestId = request.GetProperty("id").GetGuid();
        Assert.Equal("AwaitingApproval", request.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await ewa.PostAsJsonAsync($"/api/persons/{person}/erasure", new { reason = "again" })).StatusCode);
        Assert.Equal("Zofia", (await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{person}")).GetProperty("firstName").GetString());   // nothing yet

        // Four eyes: ewa asked, so ewa may not approve; kasia (office) may.
        var task = (await kasia.GetFromJsonAsync<JsonElement>("/api/tasks?processKey=gdpr-erasure&candidate=me")).GetProperty("items").EnumerateArray().Single();
        var taskId = task.GetProperty("id").GetGuid();
        Assert.Equal(requestId.ToString(), task.GetProperty("links").GetProperty("erasureId").GetString());
        Assert.NotEqual(HttpStatusCode.OK, (await ewa.PostAsJsonAsync($"/api/tasks/{taskId}/claim", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kasia.PostAsJsonAsync($"/api/tasks/{taskId}/claim", new { })).StatusCode);
        var forged = await kasia.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { decision = "approve", documentsDecision = "keep", erasureId = Guid.NewGuid().ToString() } });
        Assert.NotEqual(HttpStatusCode.OK, forged.StatusCode);   // the request it acts on is the product's, not the form's
        var approved = await kasia.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { decision = "approve", documentsDecision = "keep", comment = "Identity checked" } });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        // The person: no name, no contact data, no consent; the note blanked.
        var erased = await kasia.GetFromJsonAsync<JsonElement>($"/api/persons/{person}");
        Assert.Equal("Erased", erased.GetProperty("firstName").GetString());
        Assert.StartsWith("person ", erased.GetProperty("lastName").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, erased.GetProperty("email").ValueKind);
        Assert.False(erased.GetProperty("marketingConsent").GetBoolean());
        var notes = (await kasia.GetFromJsonAsync<JsonElement>($"/api/notes?personId={person}")).GetRawText();
        Assert.DoesNotContain("3 pm", notes, StringComparison.Ordinal);

        // The certificate, and the audit rows about her: kept, pseudonymised, the chain verifying.
        var certificate = await ewa.GetFromJsonAsync<JsonElement>($"/api/gdpr/erasures/{requestId}/certificate");
        Assert.Equal("kasia", certificate.GetProperty("certificate").GetProperty("approvedBy").GetString());
        Assert.True(certificate.GetProperty("certificate").GetProperty("auditRowsPseudonymised").GetInt32() >= 2);   // edited, exported (and the erasure's own edit, written blanked)
        Assert.Equal(64, certificate.GetProperty("request").GetProperty("certificateDigest").GetString()!.Length);
        var about = (await ewa.GetFromJsonAsync<JsonElement>($"/api/audit?subjectId={person}&limit=100")).EnumerateArray().ToList();
        Assert.NotEmpty(about);
        Assert.All(about, row => Assert.Equal(AuditEntry.RedactedData(requestId.ToString()), row.GetProperty("data").GetString()));
        var whole = (await ewa.GetFromJsonAsync<JsonElement>("/api/audit?limit=1000")).GetRawText();
        Assert.DoesNotContain("Zapomniana", whole, StringComparison.Ordinal);
        Assert.DoesNotContain("zofia@example.com", whole, StringComparison.Ordinal);
        Assert.Contains(AuditEntry.ErasureAction, whole, StringComparison.Ordinal);
        Assert.True((await ewa.GetFromJsonAsync<JsonElement>("/api/audit/verify")).GetProperty("ok").GetBoolean());

        // The database allows only that change: rewriting a row is refused, and a row blanked without an erasure breaks the check.
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var victim = await db.AuditLog.AsNoTracking().Where(a => a.DataDigest != null && a.RedactedFor == null && a.Data != null).OrderBy(a => a.Sequence).FirstAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlAsync($"UPDATE audit_log SET \"Data\" = {"{}"} WHERE \"Sequence\" = {victim.Sequence}"));
        // Blanked in the name of the real erasure, it is still caught: the erasure recorded which rows it blanked.
        var real = requestId.ToString();
        await db.Database.ExecuteSqlAsync($"UPDATE audit_log SET \"Data\" = {AuditEntry.RedactedData(real)}, \"RedactedFor\" = {real} WHERE \"Sequence\" = {victim.Sequence}");
        var check = await ewa.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Contains("not the ones it recorded", check.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarketingData_IsInTheExport_AndTheErasureBlanksItsCopies()
    {
        using var ewa = await App.CreateClientAsAsync("ewa");
        using var kasia = await App.CreateClientAsAsync("kasia");
        var company = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = "Mailowa Sp. z o.o.", region = "sales" }));
        var person = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Irena", lastName = "Mailowa", email = "irena@example.com" }));
        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync($"/api/persons/{person}/consents", new
        {
            purpose = "marketing-email", given = true, channel = "form", source = "Targi Poznań 2026", evidence = "Formularz podpisany przez Irenę Mailową, tel. 600 100 200",
        })).StatusCode);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            // A mailing's outbox row for her: one sent, as a finished mailing leaves it.
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var campaign = new Crm.Modules.Marketing.Campaigns.Campaign { Name = "Jesień", Type = "mailing", Owner = "kasia", CreatedBy = "kasia", CreatedAt = DateTimeOffset.UtcNow };
            var mailing = new Crm.Modules.Marketing.Mailings.Mailing
            {
                CampaignId = campaign.Id, Name = "Jesień", Subject = "Oferta", Body = "Dzień dobry", CreatedBy = "kasia", CreatedAt = DateTimeOffset.UtcNow,
            };
            var member = new Crm.Modules.Marketing.Campaigns.CampaignMember
            {
                CampaignId = campaign.Id, CounterpartyId = company, PersonId = person, MemberKey = Crm.Modules.Marketing.Campaigns.CampaignMember.KeyOf(company, person), Source = "test",
                AddedAt = DateTimeOffset.UtcNow, StateAt = DateTimeOffset.UtcNow,
            };
            db.AddRange(campaign, mailing, member, new Crm.Modules.Marketing.Mailings.MailingRecipient
            {
                MailingId = mailing.Id, MemberId = member.Id, CounterpartyId = company, PersonId = person, Email = "irena@example.com", Values = "{\"person.firstName\":\"Irena\"}",
                MessageId = $"<{Guid.NewGuid():N}@test.local>", State = Crm.Modules.Marketing.Mailings.RecipientState.Sent, SentAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        using (var zip = new System.IO.Compression.ZipArchive(await (await ewa.GetAsync($"/api/persons/{person}/gdpr-export")).Content.ReadAsStreamAsync()))
        using (var json = JsonDocument.Parse(await new StreamReader(zip.GetEntry("person.json")!.Open()).ReadToEndAsync()))
        {
            Assert.Equal("Targi Poznań 2026", json.RootElement.GetProperty("consent ledger")[0].GetProperty("source").GetString());
            Assert.Equal("irena@example.com", json.RootElement.GetProperty("mailings")[0].GetProperty("email").GetString());
            Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("loyalty").ValueKind);
        }

        var requestId = (await (await ewa.PostAsJsonAsync($"/api/persons/{person}/erasure", new { reason = "Request by e-mail" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var task = (await kasia.GetFromJsonAsync<JsonElement>("/api/tasks?processKey=gdpr-erasure&candidate=me")).GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("links").GetProperty("erasureId").GetString() == requestId.ToString()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await kasia.PostAsJsonAsync($"/api/tasks/{task}/claim", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kasia.PostAsJsonAsync($"/api/tasks/{task}/complete", new { variables = new { decision = "approve", documentsDecision = "keep" } })).StatusCode);

        // The proof stays (purpose, given, channel, time); the address, merge values and free-text evidence go.
        var certificate = (await ewa.GetFromJsonAsync<JsonElement>($"/api/gdpr/erasures/{requestId}/certificate")).GetProperty("certificate");
        Assert.Equal(1, certificate.GetProperty("rowsBlankedElsewhere").GetProperty("mailings").GetInt32());
        Assert.Equal(1, certificate.GetProperty("rowsBlankedElsewhere").GetProperty("consent ledger").GetInt32());
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var consent = await db.ConsentRecords.AsNoTracking().SingleAsync(c => c.PersonId == person);
            Assert.True(consent.Given);
            Assert.Equal("marketing-email", consent.Purpose);
            Assert.Null(consent.Email);
            Assert.Equal("[erased]", consent.Evidence);
            var recipient = await db.MailingRecipients.AsNoTracking().SingleAsync(r => r.PersonId == person);
            Assert.Null(recipient.Email);
            Assert.Null(recipient.Values);
            Assert.Equal(Crm.Modules.Marketing.Mailings.RecipientState.Sent, recipient.State);
        }
    }

    [Fact]
    public async Task ARejectedErasure_ChangesNothing_AndTheListSaysWhy()
    {
        using var ewa = await App.CreateClientAsAsync("ewa");
        using var kasia = await App.CreateClientAsAsync("kasia");
        var person = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { firstName = "Roman", lastName = "Pamiętany" }));
        var requestId = (await (await kasia.PostAsJsonAsync($"/api/persons/{person}/erasure", new { reason = "Phone call of 2026-12-02" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var task = (await ewa.GetFromJsonAsync<JsonElement>("/api/tasks?processKey=gdpr-erasure&candidate=me")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(HttpStatusCode.OK, (await ewa.PostAsJsonAsync($"/api/tasks/{task.GetProperty("id").GetGuid()}/claim", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ewa.PostAsJsonAsync($"/api/tasks/{task.GetProperty("id").GetGuid()}/complete",
            new { variables = new { decision = "reject", documentsDecision = "keep", comment = "Open invoices: legal obligation to keep" } })).StatusCode);

        Assert.Equal("Roman", (await kasia.GetFromJsonAsync<JsonElement>($"/api/persons/{person}")).GetProperty("firstName").GetString());
        var row = (await ewa.GetFromJsonAsync<JsonElement>("/api/gdpr/erasures")).EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == requestId);
        Assert.Equal("Rejected", row.GetProperty("status").GetString());
        Assert.Equal("Open invoices: legal obligation to keep", row.GetProperty("decisionNote").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await ewa.GetAsync($"/api/gdpr/erasures/{requestId}/certificate")).StatusCode);
        // Rejected, so it may be asked again.
        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync($"/api/persons/{person}/erasure", new { reason = "Second request, 2026-12-05" })).StatusCode);
    }

    [Fact]
    public async Task ARetentionRule_ProposesPersonsWithoutActivity_AndProposesNoneOnceAsked()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        var old = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { firstName = "Stefan", lastName = "Dawny" }));
        var recent = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { firstName = "Nina", lastName = "Nowa" }));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var person = await db.Persons.SingleAsync(p => p.Id == old);
            person.CreatedAt = DateTimeOffset.UtcNow.AddYears(-4);
            await db.SaveChangesAsync();
        }

        Assert.Empty((await kasia.GetFromJsonAsync<JsonElement>("/api/gdpr/retention/proposals")).EnumerateArray());   // no rule, no proposals
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PutAsJsonAsync("/api/gdpr/retention", new { years = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await kasia.PutAsJsonAsync("/api/gdpr/retention", new { years = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await kasia.PutAsJsonAsync("/api/gdpr/retention", new { years = 3 })).StatusCode);
        var proposed = (await kasia.GetFromJsonAsync<JsonElement>("/api/gdpr/retention/proposals")).EnumerateArray().Select(p => p.GetProperty("personId").GetGuid()).ToList();
        Assert.Contains(old, proposed);
        Assert.DoesNotContain(recent, proposed);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/gdpr/retention/proposals")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync($"/api/persons/{old}/erasure", new { reason = "Retention: 3 years without contact" })).StatusCode);
        Assert.DoesNotContain((await kasia.GetFromJsonAsync<JsonElement>("/api/gdpr/retention/proposals")).EnumerateArray(), p => p.GetProperty("personId").GetGuid() == old);
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class ErasureApiOnSqliteTests() : ErasureApiTests(DatabaseProvider.Sqlite);

public sealed class ErasureApiOnPostgreSqlTests() : ErasureApiTests(DatabaseProvider.PostgreSql);
