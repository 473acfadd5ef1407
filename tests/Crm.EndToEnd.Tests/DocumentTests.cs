using System.Text;
using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>A manager uploads, downloads, checks out and checks in a document, finds the new text, and sees the download in the register.</summary>
public sealed class DocumentTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Upload_CheckOut_CheckIn_Search_Register()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fdocuments");
        await browser.SignInAsync(page, "piotr", CrmAppFactory.DemoPassword);
        await page.GetByTestId("folder-Procedury").ClickAsync();
        await Assertions.Expect(page.GetByTestId("folder-name")).ToHaveTextAsync("Procedury");

        await page.GetByTestId("upload-input").SetInputFilesAsync(new FilePayload { Name = "Instrukcja magazynowa.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("Instrukcja magazynowa, wersja pierwsza.") });
        await Assertions.Expect(page.GetByTestId("document-table")).ToContainTextAsync("Instrukcja magazynowa");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "documents.png"), FullPage = true });
        await page.GetByTestId("document-link").Filter(new() { HasText = "Instrukcja magazynowa" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-title")).ToHaveTextAsync("Instrukcja magazynowa");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
        Assert.Equal("Instrukcja magazynowa.txt", download.SuggestedFilename);

        await page.GetByTestId("checkout").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lock-state")).ToContainTextAsync("piotr");
        // Check-in is a dialog: the comment and the file are sent together on confirming.
        await page.GetByTestId("checkin").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).Locator("textarea").First.FillAsync("nowy akapit");
        await page.GetByTestId("checkin-dialog-file-input").SetInputFilesAsync(new FilePayload { Name = "Instrukcja magazynowa.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("Instrukcja magazynowa, wersja druga: magazyn w Pszczynie.") });
        await page.GetByTestId("checkin-dialog-submit").ClickAsync();
        await Assertions.Expect(page.GetByText("Checked in as version 2.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("current-version")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("lock-state")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "document-page.png"), FullPage = true });

        // The index is fed through the outbox; search until the new text is in (a second at most).
        await page.GotoAsync(browser.BaseUrl + "/documents/search?q=pszczynie");
        for (var i = 0; i < 20 && await page.GetByTestId("search-hit").CountAsync() == 0; i++)
        {
            await Task.Delay(250);
            await page.GetByTestId("search-go").ClickAsync();
        }

        await Assertions.Expect(page.GetByTestId("search-hit")).ToContainTextAsync("Instrukcja magazynowa");
        await Assertions.Expect(page.Locator(".snippet mark")).ToContainTextAsync("Pszczynie");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "search.png"), FullPage = true });

        await page.GetByTestId("search-hit-link").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Download register" }).ClickAsync();
        var register = page.GetByTestId("register-table");
        await Assertions.Expect(register).ToContainTextAsync("Downloaded");
        await Assertions.Expect(register).ToContainTextAsync("127.0.0.1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "document-register.png"), FullPage = true });
        await page.CloseAsync();

        // The compliance officer sees piotr's download in the register across documents.
        var compliance = await browser.NewPageAsync();
        await compliance.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fregister");
        await browser.SignInAsync(compliance, "ewa", CrmAppFactory.DemoPassword);
        await compliance.Locator("input[data-testid=register-user], [data-testid=register-user] input").First.FillAsync("piotr");
        await compliance.GetByTestId("register-filter").ClickAsync();
        await Assertions.Expect(compliance.GetByTestId("register-all")).ToContainTextAsync("Downloaded");
        await Assertions.Expect(compliance.GetByTestId("register-all")).ToContainTextAsync("Instrukcja magazynowa");
        await compliance.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "register.png"), FullPage = true });
        await compliance.CloseAsync();
    }
}
