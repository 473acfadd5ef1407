using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Tests.Server;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Playwright;
using MimeKit;
using Xunit;

namespace Crm.EndToEnd.Tests.Marketing.Campaigns;

/// <summary>
/// A marketer's campaign in the browser, against the real SMTP relay and Dovecot: she creates the campaign, builds the
/// target list from a filter, writes a personalised mailing, previews it, sends a test to herself, sends the mailing
/// (the person without a marketing consent is skipped and counted), books the actual cost and reads the results with
/// the ROI chart.
/// </summary>
public sealed class CampaignTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // Starts with a letter: a target search of digits alone is a NIP prefix (8 hex digits are all digits in 2 % of runs).
    private readonly string _suffix = "k" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Steps that save or send on a busy two-core machine: more than the default five seconds.</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 20_000 };

    [Fact]
    public async Task Marketer_BuildsTargetList_SendsTestAndMailing_SeesResultsAndRoiChart()
    {
        var host = Crm.Tests.TestEnvironment.RequireMail();
        var page = await browser.NewPageAsync();
        var sender = $"kampania-{_suffix}@test.local";
        var zofia = $"zofia-{_suffix}@test.local";
        var marta = $"marta-{_suffix}@test.local";
        var ewa = $"ewa-{_suffix}@test.local";
        using (var kasia = await ClientAsync("kasia"))
        using (var anna = await ClientAsync("anna"))
        {
            // Her own sending account (an admin sets it up) and the companies she will target, two persons with a consent, one without.
            await IdAsync(await kasia.PostAsJsonAsync("/api/admin/mail-accounts", new
            {
                name = $"Kampanie {_suffix}", address = sender, displayName = "Anna Nowak – marketing", owner = "anna", group = (string?)null,
                imapHost = host, imapPort = Crm.Tests.TestEnvironment.ImapPort, imapSecurity = "None",
                smtpHost = host, smtpPort = Crm.Tests.TestEnvironment.SmtpPort, smtpSecurity = "None", userName = sender, password = Crm.Tests.TestEnvironment.MailPassword,
                importFolder = "INBOX", moveToFolder = (string?)null, importEnabled = false,
            }));
            var alfa = await IdAsync(await anna.PostAsJsonAsync("/api/counterparties", new { name = $"Kampania Alfa {_suffix}", region = "sales" }));
            var beta = await IdAsync(await anna.PostAsJsonAsync("/api/counterparties", new { name = $"Kampania Beta {_suffix}", region = "sales" }));
            await IdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = alfa, firstName = "Zofia", lastName = "Wróbel", email = zofia, marketingConsent = true, consentSource = "web form" }));
            await IdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = beta, firstName = "Marta", lastName = "Kowalczyk", email = marta, marketingConsent = true, consentSource = "trade fair form" }));
            await IdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = beta, firstName = "Ewa", lastName = "Bez-Zgody", email = ewa, marketingConsent = false }));
        }

        // A new campaign: name, type, budget.
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcampaigns");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await page.GetByTestId("new-campaign").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-form")).ToBeVisibleAsync();
        await PageInput.FillSettledAsync(PageInput.Input(page, "campaign-name"), $"Wiosenna promocja {_suffix}");
        await SelectAsync(page, page.GetByTestId("campaign-type"), "Online");
        await PageInput.FillSettledAsync(PageInput.Input(page, "campaign-budget"), "5000");
        await ShotAsync(page, "campaign-new.png");
        await page.GetByTestId("campaign-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-title")).ToHaveTextAsync($"Wiosenna promocja {_suffix}");
        await Assertions.Expect(page.GetByTestId("campaign-status")).ToContainTextAsync("Draft");
        await Assertions.Expect(page.GetByTestId("campaign-type")).ToContainTextAsync("Online");
        await ShotAsync(page, "campaign-overview.png");

        // Target list from a filter: the search finds her two companies, their three persons with an address become members.
        await Tab(page, "Target list").ClickAsync();
        await Assertions.Expect(page.GetByTestId("members-count")).ToContainTextAsync("Members: 0");
        await PageInput.FillSettledAsync(PageInput.Input(page, "targets-search"), _suffix);
        await page.GetByTestId("filter-apply").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "3 added, 0 already on the list" })).ToBeVisibleAsync(Slow);
        await Assertions.Expect(page.GetByTestId("members-count")).ToContainTextAsync("Members: 3", new() { Timeout = 20_000 });
        var members = page.GetByTestId("members-table").Locator("tbody tr");
        await Assertions.Expect(members).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("members-table")).ToContainTextAsync(zofia);
        await Assertions.Expect(page.GetByTestId("members-table")).ToContainTextAsync(ewa);
        await ShotAsync(page, "campaign-targets.png");

        // A personalised mailing from her own account: saved, previewed with a member's first name.
        await Tab(page, "Mailings").ClickAsync();
        await page.GetByTestId("mailing-new").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mailing-form")).ToBeVisibleAsync();
        await SelectAsync(page, page.GetByTestId("mailing-account"), sender);
        await PageInput.FillSettledAsync(PageInput.Input(page, "mailing-subject"), $"Wiosenna oferta {_suffix} dla {{{{person.firstName}}}}");
        await PageInput.FillSettledAsync(PageInput.Input(page, "mailing-body"), "Dzień dobry {{person.firstName}},\nmamy dla {{counterparty.name}} wiosenną ofertę.\nPozdrawiam, Anna");
        await page.GetByTestId("mailing-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Saved" })).ToBeVisibleAsync(Slow);
        await Assertions.Expect(page.GetByTestId("mailing-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("mailing-status")).ToHaveTextAsync("Draft");
        await page.GetByTestId("mailing-preview").ClickAsync();
        var preview = page.GetByTestId("mailing-preview-box");
        await Assertions.Expect(preview).ToContainTextAsync(new Regex("Dzień dobry (Zofia|Marta|Ewa),"));
        await Assertions.Expect(preview).ToContainTextAsync(new Regex($"Wiosenna oferta {_suffix} dla (Zofia|Marta|Ewa)"));
        await Assertions.Expect(preview).Not.ToContainTextAsync("{{");
        await ShotAsync(page, "campaign-mailing-preview.png");

        // A test to herself: it arrives in her mailbox, marked as a test, with the name filled in.
        await page.GetByTestId("mailing-test").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Test sent to anna@demo.local" })).ToBeVisibleAsync(Slow);
        var test = Assert.Single(await WaitForMailAsync(host, "anna@demo.local", $"Wiosenna oferta {_suffix}", 1));
        Assert.StartsWith("[TEST] ", test.Subject, StringComparison.Ordinal);
        Assert.Matches("Dzień dobry (Zofia|Marta|Ewa),", test.TextBody);
        Assert.Equal(sender, test.From.Mailboxes.Single().Address);

        // The campaign's brief goes into its own folder, from the Documents tab.
        await Tab(page, "Documents").ClickAsync();
        await page.GetByTestId("campaign-upload-input").SetInputFilesAsync(new FilePayload
        {
            Name = "brief-kampanii.txt", MimeType = "text/plain", Buffer = System.Text.Encoding.UTF8.GetBytes("Brief: wiosenna promocja, grupa docelowa: firmy z Poznania."),
        });
        await Assertions.Expect(page.GetByTestId("campaign-document")).ToContainTextAsync("brief-kampanii", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("campaign-folder")).ToBeVisibleAsync();

        // Nothing goes out before the budget is approved: anna sends it to piotr (a process owner), who approves it.
        await Tab(page, "Overview").ClickAsync();
        await SelectAsync(page, page.GetByTestId("campaign-approver"), "Piotr");
        await page.GetByTestId("campaign-start-button").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Sent for budget approval" })).ToBeVisibleAsync(Slow);
        using (var piotr = await ClientAsync("piotr"))
        {
            var tasks = await piotr.GetFromJsonAsync<JsonElement>("/api/tasks?assignee=me&processKey=campaign-actions");
            var approval = tasks.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("businessKey").GetString()!.Contains(_suffix, StringComparison.Ordinal)).GetProperty("id").GetGuid();
            Assert.True((await piotr.PostAsJsonAsync($"/api/tasks/{approval}/complete", new { variables = new { approved = "yes" } })).IsSuccessStatusCode);
        }

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("campaign-status")).ToHaveTextAsync("Running", new() { Timeout = 20_000 });
        for (var attempt = 0; attempt < 20 && !await page.GetByTestId("mailing-send").IsVisibleAsync(); attempt++)
        {
            await Tab(page, "Mailings").ClickAsync();   // a click before the reloaded page is interactive is lost: again until the tab shows
            await page.WaitForTimeoutAsync(500);
        }

        // The mailing itself: confirmed, sent to the two with a consent; the one without is skipped and counted.
        await page.GetByTestId("mailing-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mailing-confirm")).ToBeVisibleAsync();
        await page.GetByTestId("mailing-send-confirm").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Sending started" })).ToBeVisibleAsync(Slow);
        var counts = page.GetByTestId("mailing-counts");
        await Assertions.Expect(counts).ToContainTextAsync("Sent 2 · waiting 0 · skipped 1 · failed 0", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("mailing-status")).ToHaveTextAsync("Sent", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("mailing-row")).ToContainTextAsync("Skipped: no consent 1");
        await page.GetByTestId("mailing-recipients").ClickAsync();
        var recipients = page.GetByTestId("recipients-table");
        await Assertions.Expect(recipients.Locator("tbody tr").Filter(new() { HasText = ewa })).ToContainTextAsync("no consent");
        await ShotAsync(page, "campaign-mailings.png");
        Assert.Contains("Dzień dobry Zofia,", Assert.Single(await WaitForMailAsync(host, zofia, $"Wiosenna oferta {_suffix}", 1)).TextBody, StringComparison.Ordinal);
        Assert.Contains("Dzień dobry Marta,", Assert.Single(await WaitForMailAsync(host, marta, $"Wiosenna oferta {_suffix}", 1)).TextBody, StringComparison.Ordinal);
        Assert.Empty(await WaitForMailAsync(host, ewa, $"Wiosenna oferta {_suffix}", 0));

        // The actual cost on the overview.
        await Tab(page, "Overview").ClickAsync();
        await PageInput.FillSettledAsync(PageInput.Input(page, "cost-description"), "Projekt graficzny");
        await PageInput.FillSettledAsync(PageInput.Input(page, "cost-amount"), "1200");
        await page.Locator("input[data-testid=cost-actual], [data-testid=cost-actual] input").First.CheckAsync();
        await page.GetByTestId("cost-add").ClickAsync();
        var costs = page.GetByTestId("campaign-costs");
        await Assertions.Expect(costs.Locator("tbody tr").Filter(new() { HasText = "Projekt graficzny" })).ToContainTextAsync("Actual cost");
        await Assertions.Expect(costs).ToContainTextAsync($"Actual cost: {1200m.ToString("N2", CultureInfo.GetCultureInfo("en-US"))} PLN");
        await ShotAsync(page, "campaign-overview-costs.png");

        // Results: the figures and the ROI chart.
        await Tab(page, "Results").ClickAsync();
        await Assertions.Expect(page.GetByTestId("result-members")).ToHaveTextAsync("3");
        await Assertions.Expect(page.GetByTestId("result-mails")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("result-skipped")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("result-cost")).ToContainTextAsync("1,200.00 PLN");
        await Assertions.Expect(page.GetByTestId("result-revenue")).ToContainTextAsync("0.00 PLN");
        await Assertions.Expect(page.GetByTestId("result-roi")).ToContainTextAsync("-100");
        var chart = page.GetByTestId("roi-chart");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        await Assertions.Expect(chart.Locator("svg").First).ToBeVisibleAsync();
        Assert.True(await chart.Locator("svg rect, svg path").CountAsync() > 0, "The ROI chart draws its bars.");
        await Assertions.Expect(chart).ToContainTextAsync("Budget");
        await ShotAsync(page, "campaign-results.png");

        // The list shows the campaign with its members.
        await page.GotoAsync(browser.BaseUrl + "/campaigns");
        var row = page.GetByTestId("campaigns-table").Locator("tbody tr").Filter(new() { HasText = _suffix });
        await Assertions.Expect(row).ToContainTextAsync("Online");
        await Assertions.Expect(row).ToContainTextAsync("5,000.00 PLN");
        await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("3");
        await ShotAsync(page, "campaign-list.png");
        await page.CloseAsync();
    }

    private static ILocator Tab(IPage page, string text) => page.Locator(".mud-tab", new() { HasText = text });

    private static async Task SelectAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var client = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { userName = user, password = CrmAppFactory.DemoPassword })).Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        return client;
    }

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>
    /// The messages in a mailbox whose subject has <paramref name="subject"/>, once there are <paramref name="count"/>
    /// (delivery through the relay is asynchronous); for a count of 0, after a few seconds of nothing arriving.
    /// </summary>
    private static async Task<List<MimeMessage>> WaitForMailAsync(string host, string mailbox, string subject, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var found = new List<MimeMessage>();
            using (var imap = new ImapClient())
            {
                await imap.ConnectAsync(host, Crm.Tests.TestEnvironment.ImapPort, SecureSocketOptions.None);
                await imap.AuthenticateAsync(mailbox, Crm.Tests.TestEnvironment.MailPassword);
                await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
                for (var i = 0; i < imap.Inbox.Count; i++)
                {
                    var message = await imap.Inbox.GetMessageAsync(i);
                    if (message.Subject?.Contains(subject, StringComparison.Ordinal) == true)
                    {
                        found.Add(message);
                    }
                }

                await imap.DisconnectAsync(true);
            }

            if ((count > 0 && found.Count >= count) || (count == 0 && attempt == 15) || attempt == 150)
            {
                return found;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A full-page screenshot from the top (the app bar is fixed: taken mid-scroll it would cover the page's middle).</summary>
    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, name), FullPage = true });
    }
}
