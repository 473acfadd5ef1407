#pragma warning disable CA1861 // literal lists read better inline in a test
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Server.Tests.Mail;
using Crm.Tests.Server;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit;

namespace Crm.Server.Tests.Marketing;

/// <summary>
/// Mass mailing against the real SMTP server and mailboxes: consent decides who gets it (checked again when sending),
/// the rate per minute holds, the unsubscribe link works without sign-in and lands in the consent ledger, a bounce from
/// the mailbox marks the address invalid for later mailings, and a thousand recipients get one message each.
/// </summary>
public abstract class MailingTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?>
{
    ["Crm:Mail:Worker"] = "false", ["Crm:Marketing:SendInterval"] = "00:00:01",
})
{
    // Starts with a letter: a target search of digits alone is a NIP prefix (8 hex digits are all digits in 2 % of runs).
    private readonly string _suffix = "k" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Mailing_HonoursConsent_Throttles_UnsubscribesByLink_AndABounceMarksTheAddressInvalid()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var kasia = await App.CreateClientAsAsync("kasia");
        var box = $"kampania-{_suffix}";
        var company = await IdAsync(await anna.PostAsJsonAsync("/api/counterparties", new { name = $"Mailing {_suffix}", region = "sales" }));
        var persons = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            persons.Add(await IdAsync(await anna.PostAsJsonAsync("/api/persons", new
            {
                counterpartyId = company, firstName = $"Osoba{i}", lastName = "Testowa", email = $"{box}+{i}@test.local",
                marketingConsent = i != 4, consentSource = i != 4 ? "formularz WWW" : null,
            })));
        }

        // Person 5 withdraws by phone: the ledger's latest record wins over the card's old tick.
        await OkAsync(await anna.PostAsJsonAsync($"/api/persons/{persons[5]}/consents", new { purpose = "marketing-email", given = false, channel = "phone" }));
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsJsonAsync($"/api/persons/{persons[4]}/consents", new { purpose = "marketing-email", given = true, channel = "form" })).StatusCode);

        var sender = $"nadawca-{_suffix}@test.local";
        var account = await MailTestKit.CreateAccountAsync(kasia, $"Marketing {_suffix}", sender, group: null, owner: "anna");
        var campaign = await IdAsync(await anna.PostAsJsonAsync("/api/campaigns", new { name = $"Newsletter {_suffix}", type = "mailing", budget = 100 }));
        var added = await (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { search = _suffix, persons = true })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(6, added.GetProperty("added").GetInt32());
        var unknown = await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/mailings", new { name = "X", accountId = account, subject = "Hi", body = "{{person.nickname}}", ratePerMinute = 60 });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("person.nickname", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var mailing = await IdAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/mailings", new
        {
            name = "Wiosna", accountId = account, subject = "Oferta dla {{counterparty.name}}", body = "Dzień dobry {{person.firstName}},\n\nzapraszamy: https://example.com/oferta", ratePerMinute = 60,
        }));
        var preview = await anna.GetFromJsonAsync<JsonElement>($"/api/mailings/{mailing}/preview");
        Assert.StartsWith("Dzień dobry Osoba", preview.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await (await App.CreateClientAsAsync("jan")).GetAsync($"/api/mailings/{mailing}")).StatusCode);

        // Nothing goes out before the budget is approved: the mailing is planned, the campaign's launch sends it.
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsync($"/api/mailings/{mailing}/start", null)).StatusCode);
        await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/actions", new { kind = "Mailing", title = "Newsletter", mailingId = mailing }));
        await LaunchAsync(anna, campaign);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsync($"/api/mailings/{mailing}/start", null)).StatusCode);
        var done = await WaitForAsync(anna, mailing, "Sent");
        var counts = done.GetProperty("counts");
        Assert.Equal(4, counts.GetProperty("sent").GetInt32());
        Assert.Equal(2, counts.GetProperty("skipped").GetInt32());
        Assert.Equal(2, counts.GetProperty("skippedFor").GetProperty("no-consent").GetInt32());

        // 60 a minute: one per second, never the whole list at once.
        var recipients = await anna.GetFromJsonAsync<JsonElement>($"/api/mailings/{mailing}/recipients");
        var sentAt = recipients.EnumerateArray().Where(r => r.GetProperty("state").GetString() == "Sent").Select(r => r.GetProperty("sentAt").GetDateTimeOffset()).Order().ToList();
        Assert.True(sentAt[^1] - sentAt[0] >= TimeSpan.FromSeconds(2), string.Join(", ", sentAt));

        var received = await MailTestKit.WaitForAsync($"{box}@test.local", 4);
        Assert.Equal(4, received.Count);
        Assert.All(received, m => Assert.NotNull(m.Headers["List-Unsubscribe"]));
        Assert.Contains(received, m => m.TextBody!.StartsWith("Dzień dobry Osoba0,", StringComparison.Ordinal));
        Assert.DoesNotContain(received, m => m.To.Mailboxes.Any(a => a.Address.Contains("+4@", StringComparison.Ordinal) || a.Address.Contains("+5@", StringComparison.Ordinal)));

        // Unsubscribe without sign-in: the page asks (a link scanner's GET changes nothing), the button records it.
        var toFirst = received.Single(m => m.To.Mailboxes.Single().Address.Contains("+0@", StringComparison.Ordinal));
        var link = new Uri(toFirst.Headers["List-Unsubscribe"]!.Trim('<', '>'));
        using var stranger = App.CreateClient();
        var page = await stranger.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(box + "+0@test.local", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{persons[0]}/consents/current"))[0].GetProperty("given").GetBoolean());
        var unsubscribed = await stranger.PostAsync(link.PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync(link.PathAndQuery[..^3] + "AAA", null)).StatusCode);
        var states = await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{persons[0]}/consents/current");
        Assert.False(states.EnumerateArray().Single(s => s.GetProperty("purpose").GetString() == "marketing-email").GetProperty("given").GetBoolean());
        var history = await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{persons[0]}/consents");
        Assert.Equal("unsubscribe-link", history[0].GetProperty("channel").GetString());
        Assert.Equal(["person-card", "unsubscribe-link"], history.EnumerateArray().Select(h => h.GetProperty("channel").GetString()).Order());

        // A hard bounce comes back to the sender's mailbox: the import recognises it, the address is invalid from now on.
        var toSecond = received.Single(m => m.To.Mailboxes.Single().Address.Contains("+1@", StringComparison.Ordinal));
        await MailTestKit.DeliverAsync(Bounce(sender, $"{box}+1@test.local", toSecond.MessageId!));
        await MailTestKit.WaitForAsync(sender, 1);
        await OkAsync(await kasia.PostAsync($"/api/admin/mail-accounts/{account}/import", null));
        recipients = await anna.GetFromJsonAsync<JsonElement>($"/api/mailings/{mailing}/recipients");
        Assert.Equal("Bounced", recipients.EnumerateArray().Single(r => r.GetProperty("email").GetString() == $"{box}+1@test.local").GetProperty("state").GetString());
        Assert.Equal(0, (await anna.GetFromJsonAsync<JsonElement>($"/api/mail/messages?accountId={account}")).GetArrayLength());   // not waiting in the unassigned inbox

        // The next mailing of the campaign: the opted-out member is not on it, the bounced address is skipped.
        var second = await IdAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/mailings", new { name = "Lato", accountId = account, subject = "Lato", body = "Cześć {{person.firstName}}", ratePerMinute = 0 }));
        await OkAsync(await anna.PostAsync($"/api/mailings/{second}/start", null));
        var secondDone = (await WaitForAsync(anna, second, "Sent")).GetProperty("counts");
        Assert.Equal(2, secondDone.GetProperty("sent").GetInt32());
        Assert.Equal(1, secondDone.GetProperty("skippedFor").GetProperty("invalid-address").GetInt32());
        var results = await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/results");
        Assert.Equal(1, results.GetProperty("optedOut").GetInt32());
        Assert.Equal(1, results.GetProperty("bounced").GetInt32());
    }

    [Fact]
    public async Task Mailing_OfAThousandRecipients_ArrivesOnceEach()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var kasia = await App.CreateClientAsAsync("kasia");
        var box = $"tysiac-{_suffix}";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            for (var c = 0; c < 10; c++)
            {
                var company = new Counterparty { Name = $"Tysiąc {_suffix} {c}", SearchName = $"tysiac {_suffix} {c}", CreatedBy = "anna", Owner = "anna", Region = "sales", CreatedAt = DateTimeOffset.UtcNow };
                db.Counterparties.Add(company);
                for (var p = 0; p < 100; p++)
                {
                    db.Persons.Add(new ContactPerson
                    {
                        CounterpartyId = company.Id, FirstName = $"P{c * 100 + p}", LastName = "Masowa", Email = $"{box}+{c * 100 + p}@test.local", MarketingConsent = true,
                        ConsentSource = "import", ConsentAt = DateTimeOffset.UtcNow, CreatedBy = "anna", CreatedAt = DateTimeOffset.UtcNow,
                    });
                }
            }

            await db.SaveChangesAsync();
        }

        var account = await MailTestKit.CreateAccountAsync(kasia, $"Masowe {_suffix}", $"masowe-{_suffix}@test.local", group: null, owner: "anna");
        var campaign = await IdAsync(await anna.PostAsJsonAsync("/api/campaigns", new { name = $"Tysiąc {_suffix}", type = "mailing" }));
        var added = await (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { search = _suffix, persons = true })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1000, added.GetProperty("added").GetInt32());
        var mailing = await IdAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/mailings", new { name = "Masowy", accountId = account, subject = "Nr {{person.firstName}}", body = "Treść", ratePerMinute = 0 }));
        await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/actions", new { kind = "Mailing", title = "Masowy", mailingId = mailing }));
        await LaunchAsync(anna, campaign);   // a thousand member processes and the mailing start in the launch's commit
        var done = await WaitForAsync(anna, mailing, "Sent", seconds: 300);
        Assert.Equal(1000, done.GetProperty("counts").GetProperty("sent").GetInt32());

        using var imap = new ImapClient();
        await imap.ConnectAsync(MailTestKit.Host, Crm.Tests.TestEnvironment.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync($"{box}@test.local", Crm.Tests.TestEnvironment.MailPassword);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        for (var i = 0; i < 300 && imap.Inbox.Count < 1000; i++)
        {
            await Task.Delay(200);
            await imap.Inbox.StatusAsync(StatusItems.Count);
        }

        var summaries = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope);
        Assert.Equal(1000, summaries.Count);
        Assert.Equal(1000, summaries.Select(s => s.Envelope!.Subject).Distinct().Count());
        await imap.DisconnectAsync(true);
    }

    /// <summary>Starts the campaign and has piotr (a process owner) approve its budget: the launch starts its planned mailings.</summary>
    private async Task LaunchAsync(HttpClient owner, Guid campaign)
    {
        await OkAsync(await owner.PostAsJsonAsync($"/api/campaigns/{campaign}/start", new { approver = "piotr" }));
        using var piotr = await App.CreateClientAsAsync("piotr");
        var tasks = await piotr.GetFromJsonAsync<JsonElement>("/api/tasks?assignee=me&processKey=campaign-actions");
        var approval = tasks.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
        await OkAsync(await piotr.PostAsJsonAsync($"/api/tasks/{approval}/complete", new { variables = new { approved = "yes" } }));
    }

    private static MimeMessage Bounce(string to, string failed, string originalMessageId)
    {
        var status = new MessageDeliveryStatus();
        status.StatusGroups.Add(new HeaderList { { "Reporting-MTA", "dns; mx.test.local" } });
        status.StatusGroups.Add(new HeaderList { { "Final-Recipient", $"rfc822; {failed}" }, { "Action", "failed" }, { "Status", "5.1.1" }, { "Diagnostic-Code", "smtp; 550 5.1.1 No such user" } });
        var original = new TextRfc822Headers { Message = new MimeMessage() };
        original.Message.MessageId = originalMessageId;
        original.Message.Subject = "Oferta";
        var report = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Delivery failed." }, status, original };
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("MAILER-DAEMON@mx.test.local"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Undelivered Mail Returned to Sender";
        message.Body = report;
        return message;
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, Guid mailing, string status, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/mailings/{mailing}");
            if (view.GetProperty("status").GetString() == status)
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, view.GetRawText());
            await Task.Delay(250);
        }
    }

    private static async Task OkAsync(HttpResponseMessage response) => Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class MailingOnSqliteTests() : MailingTests(DatabaseProvider.Sqlite);

public sealed class MailingOnPostgreSqlTests() : MailingTests(DatabaseProvider.PostgreSql);
