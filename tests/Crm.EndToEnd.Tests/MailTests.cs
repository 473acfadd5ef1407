using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Playwright;
using MimeKit;
using Xunit;
using Crm.Tests.Server;

namespace Crm.EndToEnd.Tests;

/// <summary>
/// Mail in the browser, against the real SMTP relay and Dovecot: an admin sets up the office mailbox, staff send an
/// e-mail with a DMS document from a company page (the worker sends it), and assign a mail nobody could match.
/// </summary>
public sealed class MailTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task AdminSetsUpTheMailbox_StaffSendWithADocument_AndAssignAnUnmatchedMail()
    {
        var host = Crm.Tests.TestEnvironment.RequireMail();
        var mailbox = $"biuro-e2e-{_suffix}@test.local";
        var customer = $"klient-e2e-{_suffix}@test.local";
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fadmin%2Fmail");
        await browser.SignInAsync(page, "kasia", CrmAppFactory.DemoPassword);

        // The admin: a shared account for the office group, checked against the servers.
        await page.GetByTestId("mail-account-new").ClickAsync();
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-name"), $"Biuro {_suffix}");
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-address"), mailbox);
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-group"), "office");
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-imap"), host);
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-imap-port"), Crm.Tests.TestEnvironment.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SelectAsync(page, page.GetByTestId("mail-account-imap-security"), "None");
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-smtp"), host);
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-smtp-port"), Crm.Tests.TestEnvironment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SelectAsync(page, page.GetByTestId("mail-account-smtp-security"), "None");
        await PageInput.FillSettledAsync(PageInput.Input(page, "mail-account-password"), Crm.Tests.TestEnvironment.MailPassword);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "mail-account-form.png"), FullPage = true });
        await page.GetByTestId("mail-account-save").ClickAsync();
        var row = page.GetByTestId("mail-accounts").Locator("tbody tr").Filter(new() { HasText = mailbox });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await row.GetByTestId("mail-account-check").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mail-account-check-result")).ToContainTextAsync("Signed in", new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "mail-accounts.png"), FullPage = true });

        // Staff: an e-mail from a company page with a price list from the DMS.
        await page.GotoAsync(browser.BaseUrl + "/crm");
        await page.GetByTestId("counterparty-link").First.ClickAsync();
        var companyName = (await page.GetByTestId("counterparty-name").InnerTextAsync()).Trim();
        await page.GetByTestId("compose-mail").ClickAsync();
        await Assertions.Expect(page.GetByTestId("compose-panel")).ToBeVisibleAsync();
        await PageInput.FillSettledAsync(PageInput.Input(page, "compose-to"), customer);
        await PageInput.FillSettledAsync(PageInput.Input(page, "compose-subject"), $"Cennik {_suffix}");
        await PageInput.FillSettledAsync(PageInput.Input(page, "compose-body"), "Dzień dobry,\nw załączeniu aktualny cennik.");
        await PageInput.Input(page, "compose-document").FillAsync("Cennik");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Cennik usług 2027" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("compose-attachment")).ToContainTextAsync("Cennik usług 2027");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "mail-compose.png"), FullPage = true });
        await page.GetByTestId("compose-send").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "outbox" })).ToBeVisibleAsync();

        // The worker sends it: the customer gets it once, with the attachment; it is on the company's timeline.
        var received = await WaitForMailAsync(host, customer);
        Assert.Equal($"Cennik {_suffix}", received.Subject);
        Assert.Contains(received.Attachments, a => a.ContentDisposition?.FileName?.Contains("ennik", StringComparison.Ordinal) == true);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("timeline")).ToContainTextAsync($"Cennik {_suffix}", new() { Timeout = 20_000 });

        // A mail from a stranger: imported, unmatched, assigned by staff in two clicks.
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(host, Crm.Tests.TestEnvironment.SmtpPort, SecureSocketOptions.None);
            var stranger = new MimeMessage();
            stranger.From.Add(MailboxAddress.Parse($"nieznany-{_suffix}@example.org"));
            stranger.To.Add(MailboxAddress.Parse(mailbox));
            stranger.Subject = $"Pytanie o dostawę {_suffix}";
            stranger.Body = new TextPart("plain") { Text = "Kiedy dostawa?" };
            await smtp.SendAsync(stranger);
            await smtp.DisconnectAsync(true);
        }

        await WaitForMailAsync(host, mailbox);
        await page.GotoAsync(browser.BaseUrl + "/admin/mail");
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("mail-accounts").Locator("tbody tr").Filter(new() { HasText = mailbox }).GetByTestId("mail-account-import").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToBeVisibleAsync(new() { Timeout = 20_000 });   // imported now, or by the worker a moment before
        var unassigned = page.GetByTestId("mail-table").Locator("tbody tr").Filter(new() { HasText = $"Pytanie o dostawę {_suffix}" });
        for (var attempt = 0; attempt < 20 && await unassigned.CountAsync() == 0; attempt++)
        {
            await page.GotoAsync(browser.BaseUrl + "/mail");
            await page.WaitForSelectorAsync("[data-testid=mail-table] tbody tr");
        }

        await unassigned.ClickAsync();
        await Assertions.Expect(page.GetByTestId("mail-preview")).ToContainTextAsync("Kiedy dostawa?");
        await PageInput.Input(page, "assign-company").FillAsync(companyName[..Math.Min(6, companyName.Length)]);
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = companyName }).First.ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "mail-unassigned.png"), FullPage = true });
        await page.GetByTestId("assign-mail").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mail-filed-on")).ToContainTextAsync(companyName);
        await Assertions.Expect(unassigned).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "mail-assigned.png"), FullPage = true });

        // One click puts it in the correspondence register; the register lists it and prints it.
        await page.GetByTestId("register-mail").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Registered as KP/" })).ToBeVisibleAsync();
        await page.GetByTestId("nav-correspondence").ClickAsync();
        await Assertions.Expect(page.GetByTestId("register-table")).ToContainTextAsync($"Pytanie o dostawę {_suffix}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "correspondence-register.png"), FullPage = true });
        await page.GotoAsync(browser.BaseUrl + "/correspondence/print?direction=in");
        await Assertions.Expect(page.GetByTestId("register-printout")).ToContainTextAsync($"Pytanie o dostawę {_suffix}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "correspondence-print.png"), FullPage = true });
        await page.CloseAsync();
    }

    private static async Task SelectAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
    }

    private static async Task<MimeMessage> WaitForMailAsync(string host, string mailbox)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var imap = new ImapClient();
            await imap.ConnectAsync(host, Crm.Tests.TestEnvironment.ImapPort, SecureSocketOptions.None);
            await imap.AuthenticateAsync(mailbox, Crm.Tests.TestEnvironment.MailPassword);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            if (imap.Inbox.Count > 0 || attempt == 150)
            {
                Assert.Equal(1, imap.Inbox.Count);
                return await imap.Inbox.GetMessageAsync(0);
            }

            await imap.DisconnectAsync(true);
            await Task.Delay(200);
        }
    }
}
