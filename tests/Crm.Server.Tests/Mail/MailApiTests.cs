using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Modules.Mail;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit;

namespace Crm.Server.Tests.Mail;

/// <summary>
/// Mail against the real Dovecot and SMTP relay test.sh starts: import files mail on companies by person, domain and
/// thread (odd charsets, attachments as documents), never twice; unmatched mail waits for staff; sending goes through
/// the outbox with DMS attachments (download right, register row) and lands once.
/// </summary>
public abstract class MailApiTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?> { ["Crm:Mail:Worker"] = "false" })
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Import_FilesByPersonDomainAndThread_KeepsEmlAndAttachments_WaitsForStaff_AndNeverFilesTwice()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var kasia = await App.CreateClientAsAsync("kasia");   // admin
        using var jan = await App.CreateClientAsAsync("jan");       // office staff: uses the office mailbox
        using var anna = await App.CreateClientAsAsync("anna");     // sales: does not
        var domain = $"okna-{_suffix}.pl";
        var company = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = $"Okna {_suffix}", region = "office" }));
        var person = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Jan", lastName = "Okienny", email = $"Jan.Okienny@{domain}" }));
        var other = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = $"Drzwi {_suffix}", region = "office" }));
        var mailbox = $"biuro-{_suffix}@test.local";

        // Secrets: stored encrypted, never returned; only admins set accounts up.
        Assert.Equal(HttpStatusCode.Forbidden, (await jan.GetAsync("/api/admin/mail-accounts")).StatusCode);
        var bad = await kasia.PostAsJsonAsync("/api/admin/mail-accounts", new { name = "x", address = "not an address", imapHost = "h", importEnabled = true });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("group", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var account = await MailTestKit.CreateAccountAsync(kasia, $"Office {_suffix}", mailbox, "office", moveTo: "Imported");
        var listed = await kasia.GetStringAsync("/api/admin/mail-accounts");
        Assert.DoesNotContain(Crm.Tests.TestEnvironment.MailPassword + "\"", listed, StringComparison.Ordinal);
        Assert.Contains("\"hasPassword\":true", listed, StringComparison.Ordinal);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailAccounts.SingleAsync(a => a.Id == account);
            Assert.NotEqual(Crm.Tests.TestEnvironment.MailPassword, stored.ProtectedSecret);
            Assert.True(stored.ProtectedSecret!.Length > 40);
        }

        var check = await (await kasia.PostAsync($"/api/admin/mail-accounts/{account}/check", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(check.GetProperty("imapOk").GetBoolean(), check.GetRawText());
        Assert.True(check.GetProperty("smtpOk").GetBoolean(), check.GetRawText());

        // 1: from the contact person (address in another case), with an attachment.
        var offer = MailTestKit.Mail($"Jan Okienny <jan.okienny@{domain}>", mailbox, "Zapytanie ofertowe", "Prosimy o ofertę na 12 okien.");
        var withFile = new Multipart("mixed") { offer.Body!, new MimePart("text", "plain") { Content = new MimeContent(new MemoryStream("Wymiary: 120x150"u8.ToArray())), FileName = "wymiary.txt" } };
        offer.Body = withFile;
        await MailTestKit.DeliverAsync(offer);
        // 2: someone else at the company's domain.
        await MailTestKit.DeliverAsync(MailTestKit.Mail($"ksiegowosc@{domain}", mailbox, "Faktura 12/2026", "W załączeniu faktura."));
        // 3: a stranger, in Central European code pages (subject ISO-8859-2, body windows-1250).
        var stranger = new MimeMessage();
        stranger.From.Add(MailboxAddress.Parse($"nieznany-{_suffix}@gmail.com"));
        stranger.To.Add(MailboxAddress.Parse(mailbox));
        stranger.Headers.Replace(HeaderId.Subject, Encoding.GetEncoding("iso-8859-2"), "Reklamacja łóżka");
        var body = new TextPart("plain");
        body.SetText(Encoding.GetEncoding(1250), "Zażółć gęślą jaźń: łóżko przyszło pęknięte.");
        stranger.Body = body;
        stranger.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("gmail.com");
        await MailTestKit.DeliverAsync(stranger);
        // 4: a reply in the thread of mail 1 from an address nobody knows: the thread decides.
        await MailTestKit.DeliverAsync(MailTestKit.Mail($"asystent-{_suffix}@example.org", mailbox, "Re: Zapytanie ofertowe", "Dosyłam rysunek.", inReplyTo: offer.MessageId));
        await MailTestKit.WaitForAsync(mailbox, 4);

        var run = await (await kasia.PostAsync($"/api/admin/mail-accounts/{account}/import", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(run.GetProperty("error").ValueKind == JsonValueKind.Null, run.GetRawText());
        Assert.Equal(4, run.GetProperty("imported").GetInt32());
        Assert.Equal(1, run.GetProperty("unassigned").GetInt32());
        Assert.Empty(await MailTestKit.ReadAsync(mailbox));                       // moved out of the inbox
        Assert.Equal(4, (await MailTestKit.ReadAsync(mailbox, "Imported")).Count);

        var filed = (await jan.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=filed")).EnumerateArray().ToList();
        Assert.Equal(3, filed.Count);
        string MatchedBy(string subject) => filed.Single(m => m.GetProperty("subject").GetString() == subject).GetProperty("matchedBy").GetString()!;
        Assert.Equal("person", MatchedBy("Zapytanie ofertowe"));
        Assert.Equal("domain", MatchedBy("Faktura 12/2026"));
        Assert.Equal("thread", MatchedBy("Re: Zapytanie ofertowe"));
        Assert.All(filed, m => Assert.Equal(company, m.GetProperty("counterpartyId").GetGuid()));

        // The first mail: an e-mail activity on the company and the person, the .eml and the attachment as documents.
        var first = filed.Single(m => m.GetProperty("subject").GetString() == "Zapytanie ofertowe").GetProperty("id").GetGuid();
        var view = await jan.GetFromJsonAsync<JsonElement>($"/api/mail/messages/{first}");
        Assert.Equal(person, view.GetProperty("personId").GetGuid());
        var attachment = view.GetProperty("attachments").EnumerateArray().Single();
        Assert.Equal("wymiary.txt", attachment.GetProperty("fileName").GetString());
        Assert.Equal("Wymiary: 120x150", await jan.GetStringAsync($"/api/documents/{attachment.GetProperty("documentId").GetGuid()}/content"));
        var eml = await jan.GetStringAsync($"/api/documents/{view.GetProperty("emlDocumentId").GetGuid()}/content");
        Assert.Contains(offer.MessageId!, eml, StringComparison.Ordinal);
        var timeline = await kasia.GetStringAsync($"/api/counterparties/{company}/timeline");
        Assert.Contains("Zapytanie ofertowe", timeline, StringComparison.Ordinal);
        Assert.Contains("Faktura 12/2026", timeline, StringComparison.Ordinal);

        // The stranger's mail: decoded from its code pages, waiting in the office inbox (not in sales').
        Assert.Empty((await anna.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=unassigned")).EnumerateArray());
        var waiting = (await jan.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=unassigned")).EnumerateArray().Single();
        Assert.Equal("Reklamacja łóżka", waiting.GetProperty("subject").GetString());
        var waitingId = waiting.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/mail/messages/{waitingId}")).StatusCode);
        Assert.Contains("Zażółć gęślą jaźń", (await jan.GetFromJsonAsync<JsonElement>($"/api/mail/messages/{waitingId}")).GetProperty("preview").GetString(), StringComparison.Ordinal);

        // Staff assign it: a person of another company is refused, the company is accepted once; the second click conflicts.
        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/mail/messages/{waitingId}/assign", new { counterpartyId = other, personId = person })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.PostAsJsonAsync($"/api/mail/messages/{waitingId}/assign", new { counterpartyId = other })).StatusCode);
        var assigned = await jan.PostAsJsonAsync($"/api/mail/messages/{waitingId}/assign", new { counterpartyId = other });
        Assert.True(assigned.IsSuccessStatusCode, await assigned.Content.ReadAsStringAsync());
        Assert.Equal("staff", (await assigned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matchedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await jan.PostAsJsonAsync($"/api/mail/messages/{waitingId}/assign", new { counterpartyId = company })).StatusCode);
        Assert.Contains("Reklamacja łóżka", await kasia.GetStringAsync($"/api/counterparties/{other}/timeline"), StringComparison.Ordinal);
        Assert.Empty((await jan.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=unassigned")).EnumerateArray());

        // Registered in the correspondence register in one click: e-mail, the company, the .eml as its document.
        var registered = await jan.PostAsJsonAsync($"/api/correspondence/from-mail/{waitingId}", new { answerDeadline = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(14)) });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var entry = await registered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("KP/", entry.GetProperty("number").GetString(), StringComparison.Ordinal);
        Assert.Equal("email", entry.GetProperty("channel").GetString());
        Assert.Equal(other, entry.GetProperty("counterpartyId").GetGuid());
        Assert.Equal(1, entry.GetProperty("documents").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await jan.PostAsJsonAsync($"/api/correspondence/from-mail/{waitingId}", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.PostAsJsonAsync($"/api/correspondence/from-mail/{first}", new { })).StatusCode);

        // The same mailbox read again by a second account and twice at once: nothing is filed twice.
        var again = await MailTestKit.CreateAccountAsync(kasia, $"Office copy {_suffix}", mailbox, "office");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailAccounts.Where(a => a.Id == again).ExecuteUpdateAsync(s => s.SetProperty(a => a.ImportFolder, "Imported"));
        }

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<MailImport>().RunAsync(again, CancellationToken.None);
        }));
        Assert.Equal(0, runs.Sum(r => r.Imported));
        Assert.Equal(4, runs.Sum(r => r.Duplicates));
        Assert.Single(runs, r => r.Skipped);   // the second run found the account claimed
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            Assert.Equal(4, await db.MailMessages.CountAsync(m => m.AccountId == account || m.AccountId == again));
            Assert.Equal(1, await db.Activities.CountAsync(a => a.CounterpartyId == other));
        }
    }

    [Fact]
    public async Task Send_WithADmsAttachment_GoesThroughTheOutboxOnce_IsOnTheTimeline_AndAReplyThreadsBack()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var jan = await App.CreateClientAsAsync("jan");
        using var anna = await App.CreateClientAsAsync("anna");
        var mailbox = $"sekretariat-{_suffix}@test.local";
        var customer = $"klient-{_suffix}@test.local";
        var account = await MailTestKit.CreateAccountAsync(kasia, $"Secretariat {_suffix}", mailbox, "office");
        var company = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = $"Klient {_suffix}", region = "office" }));
        var person = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Ola", lastName = "Klientka", email = customer }));
        var folder = (await (await kasia.PostAsJsonAsync("/api/folders", new { name = $"Oferty {_suffix}" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var upload = await kasia.PostAsync("/api/documents", new MultipartFormDataContent { { new StringContent(folder), "folderId" }, { new ByteArrayContent("Oferta: 12 okien, 14 400 zł"u8.ToArray()), "file", "oferta.txt" } });
        var document = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Contains((await jan.GetFromJsonAsync<JsonElement>("/api/mail/accounts")).EnumerateArray(), a => a.GetProperty("id").GetGuid() == account);
        Assert.DoesNotContain((await anna.GetFromJsonAsync<JsonElement>("/api/mail/accounts")).EnumerateArray(), a => a.GetProperty("id").GetGuid() == account);

        // Refused: an account the sender does not use, no recipient, an attachment the sender may not download.
        var message = new { accountId = account, to = $"Ola Klientka <{customer}>", subject = "Oferta na okna", body = "Dzień dobry,\nw załączeniu oferta.", documentIds = new[] { document }, counterpartyId = company, personId = person };
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsJsonAsync("/api/mail/send", message)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await jan.PostAsJsonAsync("/api/mail/send", message with { to = "" })).StatusCode);
        var privateDoc = await jan.PostAsJsonAsync("/api/mail/send", message);
        Assert.True(privateDoc.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, await privateDoc.Content.ReadAsStringAsync());   // kasia's folder is hers
        var queued = await kasia.PostAsJsonAsync("/api/mail/send", message);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var queuedMail = await queued.Content.ReadFromJsonAsync<JsonElement>();
        var messageId = queuedMail.GetProperty("messageId").GetString()!;
        var register = await kasia.GetStringAsync($"/api/documents/{document}/access-log");
        Assert.Contains("mail:" + messageId, register, StringComparison.Ordinal);   // the attachment's download, for this mail

        // A second mail whose sending node died mid-transfer: its claim expires and another pass sends it, once.
        var second = await (await kasia.PostAsJsonAsync("/api/mail/send", message with { subject = "Oferta, wersja 2", documentIds = Array.Empty<Guid>() })).Content.ReadFromJsonAsync<JsonElement>();
        var secondId = second.GetProperty("id").GetGuid();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailMessages.Where(m => m.Id == secondId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, MailState.Sending).SetProperty(m => m.Attempts, 1).SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        Assert.Equal(2, await SendDueAsync());
        Assert.Equal(0, await SendDueAsync());
        var received = await MailTestKit.WaitForAsync(customer, 2);
        Assert.Equal(2, received.Count);
        var offer = received.Single(m => m.MessageId == messageId);
        Assert.Equal("Oferta na okna", offer.Subject);
        Assert.Equal("oferta.txt", offer.Attachments.Single().ContentDisposition?.FileName);
        Assert.Contains(received, m => m.Subject == "Oferta, wersja 2");
        Assert.Contains((await MailTestKit.ReadAsync(mailbox, "Sent")), m => m.MessageId == messageId);   // a copy in the account's Sent folder

        var sent = (await jan.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=sent")).EnumerateArray().ToList();
        Assert.Equal(2, sent.Count);
        Assert.Contains("Oferta na okna", await kasia.GetStringAsync($"/api/counterparties/{company}/timeline"), StringComparison.Ordinal);

        // The customer answers from another address: the reply threads back to the company and the person.
        await MailTestKit.DeliverAsync(MailTestKit.Mail($"ola.prywatnie-{_suffix}@example.org", mailbox, "Re: Oferta na okna", "Zamawiamy.", inReplyTo: messageId));
        await MailTestKit.WaitForAsync(mailbox, 1);
        var run = await (await kasia.PostAsync($"/api/admin/mail-accounts/{account}/import", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, run.GetProperty("imported").GetInt32());
        var reply = (await jan.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=filed")).EnumerateArray().Single();
        Assert.Equal("thread", reply.GetProperty("matchedBy").GetString());
        Assert.Equal(company, reply.GetProperty("counterpartyId").GetGuid());
    }

    [Fact]
    public async Task AProcessSendsMail_ThroughAMessageEndEvent_OnceEvenWhenTheStepIsRetried()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        var mailbox = $"proces-{_suffix}@test.local";
        var customer = $"klient-proc-{_suffix}@test.local";
        await MailTestKit.CreateAccountAsync(kasia, $"Process {_suffix}", mailbox, "office");
        var company = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = $"Proces {_suffix}", region = "office" }));
        var bpmn = $$"""
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d" targetNamespace="t">
              <bpmn:process id="confirm-{{_suffix}}" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="mailed"/>
                <bpmn:endEvent id="mailed" crm:handler="crm.mail.send">
                  <bpmn:extensionElements>
                    <crm:input name="account" value="Process {{_suffix}}"/>
                    <crm:input name="to" value="${customerEmail}"/>
                    <crm:input name="subject" value="Potwierdzenie zamówienia ${orderNo}"/>
                    <crm:input name="body" value="Dziękujemy za zamówienie ${orderNo}."/>
                    <crm:input name="counterpartyId" value="${companyId}"/>
                  </bpmn:extensionElements>
                  <bpmn:messageEventDefinition/>
                </bpmn:endEvent>
              </bpmn:process>
            </bpmn:definitions>
            """;
        var deployed = await kasia.PostAsync("/api/process-definitions", new StringContent(bpmn, Encoding.UTF8, "application/xml"));
        Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());
        var started = await kasia.PostAsJsonAsync("/api/process-instances", new { processKey = $"confirm-{_suffix}", variables = new { customerEmail = customer, orderNo = "ZAM/7", companyId = company.ToString() } });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());

        // The step retried with the same idempotency key finds the mail it queued.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<MailOutbox>();
            var input = new ComposeMail(Guid.Empty, customer, null, "Retry", "x", null, null, null, null, null);
            var once = await outbox.QueueForProcessAsync($"Process {_suffix}", input, "kasia", "same-step", CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<CrmDbContext>().SaveChangesAsync();
            var again = await outbox.QueueForProcessAsync($"Process {_suffix}", input, "kasia", "same-step", CancellationToken.None);
            Assert.Equal(once.Id, again.Id);
        }

        Assert.Equal(2, await SendDueAsync());
        var received = await MailTestKit.WaitForAsync(customer, 2);
        Assert.Equal(2, received.Count);
        Assert.Contains(received, m => m.Subject == "Potwierdzenie zamówienia ZAM/7" && m.TextBody?.Contains("zamówienie ZAM/7", StringComparison.Ordinal) == true);
        Assert.Contains("Potwierdzenie zamówienia ZAM/7", await kasia.GetStringAsync($"/api/counterparties/{company}/timeline"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoMailsWithOneMessageId_InOneMailbox_AreBothFiled_AndARerunFilesNeither()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        var mailbox = $"skaner-{_suffix}@test.local";
        var account = await MailTestKit.CreateAccountAsync(kasia, $"Scanner {_suffix}", mailbox, "office");
        var reused = $"scan@{_suffix}.example";   // a scanner that gives every mail the same Message-ID
        await MailTestKit.DeliverAsync(MailTestKit.Mail($"skaner-{_suffix}@example.org", mailbox, "Skan 1", "Pierwsza strona", messageId: reused));
        await MailTestKit.DeliverAsync(MailTestKit.Mail($"skaner-{_suffix}@example.org", mailbox, "Skan 2", "Druga strona", messageId: reused));
        await MailTestKit.WaitForAsync(mailbox, 2);
        var run = await (await kasia.PostAsync($"/api/admin/mail-accounts/{account}/import", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(run.GetProperty("imported").GetInt32() == 2, run.GetRawText());
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailAccounts.Where(a => a.Id == account).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUid, 0L));
        }

        var again = await (await kasia.PostAsync($"/api/admin/mail-accounts/{account}/import", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("imported").GetInt32());
        Assert.Equal(2, again.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task ACaseNumberInTheSubject_FilesAStrangersMailOnThatCase()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        var mailbox = $"sprawy-{_suffix}@test.local";
        var account = await MailTestKit.CreateAccountAsync(kasia, $"Cases {_suffix}", mailbox, "office");
        var company = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = $"Sprawa {_suffix}", region = "office" }));
        var caseId = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/cases", new { title = "Dostawa okien", counterpartyId = company, value = 1000 }));
        var number = (await kasia.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}")).GetProperty("number").GetString()!;
        Assert.Matches(@"^SPR/\d{4}/\d+$", number);

        await MailTestKit.DeliverAsync(MailTestKit.Mail($"obcy-{_suffix}@example.org", mailbox, $"Re: [{number.ToLowerInvariant()}] termin dostawy", "Kiedy?"));
        await MailTestKit.WaitForAsync(mailbox, 1);
        var run = await (await kasia.PostAsync($"/api/admin/mail-accounts/{account}/import", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, run.GetProperty("imported").GetInt32());
        var filed = (await kasia.GetFromJsonAsync<JsonElement>($"/api/mail/messages?show=filed&accountId={account}")).EnumerateArray().Single();
        Assert.Equal("case-number", filed.GetProperty("matchedBy").GetString());
        var view = await kasia.GetFromJsonAsync<JsonElement>($"/api/mail/messages/{filed.GetProperty("id").GetGuid()}");
        Assert.Equal(caseId, view.GetProperty("caseId").GetGuid());
        Assert.Contains("termin dostawy", await kasia.GetStringAsync($"/api/cases/{caseId}/timeline"), StringComparison.Ordinal);
    }

    private async Task<int> SendDueAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MailOutbox>().SendDueAsync(CancellationToken.None);
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class MailApiOnSqliteTests() : MailApiTests(DatabaseProvider.Sqlite);

public sealed class MailApiOnPostgreSqlTests() : MailApiTests(DatabaseProvider.PostgreSql);
