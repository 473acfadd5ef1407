using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>
/// A file whose text cannot be read: the document page says why and offers "Retry extraction"; the administrator
/// finds it on the content pipeline page next to what this server can read.
/// </summary>
public sealed class ContentPipelineTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task UnreadableFile_SaysWhy_OffersRetry_AndIsListedForTheAdministrator()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fdocuments");
        await browser.SignInAsync(page, "piotr", CrmAppFactory.DemoPassword);
        await page.GetByTestId("folder-Procedury").ClickAsync();
        await page.GetByTestId("upload-input").SetInputFilesAsync(new FilePayload
        {
            Name = "Cennik z bombą.xlsx",
            MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Buffer = await File.ReadAllBytesAsync(Crm.Tests.TestCorpus.PathOf("zip-bomb-honest.xlsx")),
        });
        await Assertions.Expect(page.GetByTestId("document-table")).ToContainTextAsync("Cennik z bombą");
        await page.GetByTestId("document-link").Filter(new() { HasText = "Cennik z bombą" }).ClickAsync();

        // The text is read in the background: reload until the verdict is there.
        for (var i = 0; i < 40 && await page.GetByTestId("extraction-error").CountAsync() == 0; i++)
        {
            await Task.Delay(250);
            await page.ReloadAsync();
        }

        await Assertions.Expect(page.GetByTestId("extraction-error")).ToContainTextAsync("zip bomb");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "document-text-not-extracted.png"), FullPage = true });
        await page.GetByTestId("retry-extraction").ClickAsync();
        await Assertions.Expect(page.GetByText("The text will be read again in a moment.")).ToBeVisibleAsync();
        await page.CloseAsync();

        var admin = await browser.NewPageAsync();
        await admin.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fadmin%2Fcontent");
        await browser.SignInAsync(admin, "admin", CrmAppFactory.AdminPassword);
        for (var i = 0; i < 40 && await admin.GetByTestId("unread-table").GetByText("Cennik z bombą").CountAsync() == 0; i++)
        {
            await Task.Delay(250);
            await admin.ReloadAsync();
        }

        await Assertions.Expect(admin.GetByTestId("unread-table")).ToContainTextAsync("Cennik z bombą");
        await Assertions.Expect(admin.GetByTestId("readers")).ToContainTextAsync("OCR");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "admin-content-pipeline.png"), FullPage = true });
        await admin.CloseAsync();
    }
}
