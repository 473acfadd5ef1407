using System.Text;
using System.Text.Json;
using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>
/// The document page as office staff meet it, on a desktop and at phone width (390 px): breadcrumbs, the actions in
/// view before anything else, attachments folded with their count, a check-in that waits for the comment, and
/// previews (Polish text in the right charset, an HTML letter that runs no script).
/// </summary>
public sealed class DocumentPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Desktop_BreadcrumbsActionsAndAttachments_ThenCheckInWithCommentBeforeFile()
    {
        var page = await SignedInAsync("anna");
        var priceList = await DocumentIdAsync(page, "Cennik usług 2027");
        await page.GotoAsync($"{browser.BaseUrl}/documents/{priceList}");

        var crumbs = page.GetByTestId("breadcrumbs");
        await Assertions.Expect(crumbs).ToContainTextAsync("Documents");
        await Assertions.Expect(crumbs.Locator("a[href*='documents/folder/']").First).ToBeVisibleAsync();
        await AssertInViewAsync(page, page.GetByTestId("download"));
        await AssertInViewAsync(page, page.GetByTestId("checkout"));
        // Dozens of activities link this price list: folded, with their count, until asked for.
        var count = int.Parse(await page.GetByTestId("document-activities-count").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(count > 1, $"the demo price list is attached to {count} activities");
        await Assertions.Expect(page.GetByTestId("document-activity").First).Not.ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("workplace-document-page.png") });
        await page.GetByTestId("document-activities-panel").Locator(".mud-expand-panel-header").ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-activity").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("document-activity")).ToHaveCountAsync(count);

        var notes = await UploadAsync(page, "Uzgodnienia.txt", Encoding.UTF8.GetBytes("Uzgodnienia pomiędzy stronami: żółta gęś, źródło."));
        await page.GotoAsync($"{browser.BaseUrl}/documents/{notes}");
        await Assertions.Expect(page.FrameLocator("[data-testid=preview]").Locator("body")).ToContainTextAsync("pomiędzy stronami: żółta gęś");
        await page.GetByTestId("checkout").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lock-state")).ToContainTextAsync("anna");

        // Cancelling the check-out asks first: "go back" keeps the lock, confirming gives it up; then check out again.
        await page.GetByTestId("cancel-checkout").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-message")).ToContainTextAsync("Changes you made to your copy are not taken in");
        await page.GetByTestId("confirm-no").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lock-state")).ToContainTextAsync("anna");
        await page.GetByTestId("cancel-checkout").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lock-state")).ToHaveCountAsync(0);
        await page.GetByTestId("checkout").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lock-state")).ToContainTextAsync("anna");

        await page.GetByTestId("checkin").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(page.GetByTestId("checkin-dialog-submit")).ToBeDisabledAsync();
        await dialog.Locator("textarea").First.FillAsync("poprawione nazwiska");
        await page.GetByTestId("checkin-dialog-file-input").SetInputFilesAsync(new FilePayload { Name = "Uzgodnienia.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("Uzgodnienia pomiędzy stronami, wersja druga.") });
        await Assertions.Expect(page.GetByTestId("checkin-dialog-picked")).ToContainTextAsync("Uzgodnienia.txt");
        // Picking the file sent nothing: the version is still the first until the user confirms.
        await Assertions.Expect(page.GetByTestId("current-version")).ToHaveTextAsync("1");
        await page.GetByTestId("checkin-dialog-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("current-version")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("lock-state")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Versions" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("version-table")).ToContainTextAsync("poprawione nazwiska");
    }

    [Fact]
    public async Task HtmlLetter_PreviewedSanitisedInASandbox_RunsNoScript()
    {
        var page = await SignedInAsync("anna");
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        const string letter = """
            <html><body><p id="text">Szanowni Państwo, dziękujemy za współpracę.</p>
            <script>parent.document.body.setAttribute('data-pwned', 'script'); alert('script');</script>
            <img src="x" onerror="parent.document.body.setAttribute('data-pwned', 'onerror'); alert('onerror')"></body></html>
            """;
        var id = await UploadAsync(page, "Pismo.html", Encoding.UTF8.GetBytes(letter));

        await page.GotoAsync($"{browser.BaseUrl}/documents/{id}");

        var frame = page.GetByTestId("preview");
        await Assertions.Expect(frame).ToHaveAttributeAsync("data-kind", "html");
        await Assertions.Expect(frame).ToHaveAttributeAsync("sandbox", "");
        await Assertions.Expect(page.FrameLocator("[data-testid=preview]").Locator("body")).ToContainTextAsync("Szanowni Państwo, dziękujemy");
        await page.WaitForTimeoutAsync(500);   // give a script that slipped through the time to run; none may
        Assert.Null(await page.Locator("body").GetAttributeAsync("data-pwned"));
        Assert.Equal(0, dialogs);
        Assert.Equal(0, await page.FrameLocator("[data-testid=preview]").Locator("script").CountAsync());
    }

    [Fact]
    public async Task Phone_ActionsReachableAndPreviewFits()
    {
        var page = await SignedInAsync("anna");
        await page.SetViewportSizeAsync(390, 844);
        var id = await UploadAsync(page, "Notatka.txt", Encoding.UTF8.GetBytes("Notatka ze spotkania pomiędzy działami sprzedaży i serwisu."));

        await page.GotoAsync($"{browser.BaseUrl}/documents/{id}");

        await Assertions.Expect(page.GetByTestId("document-title")).ToHaveTextAsync("Notatka");
        await AssertInViewAsync(page, page.GetByTestId("download"));
        await AssertInViewAsync(page, page.GetByTestId("checkout"));
        var frame = await page.GetByTestId("preview").BoundingBoxAsync();
        Assert.NotNull(frame);
        Assert.True(frame.X >= 0 && frame.X + frame.Width <= 390, $"the preview spans {frame.X}..{frame.X + frame.Width} px on a 390 px screen");
        await Assertions.Expect(page.FrameLocator("[data-testid=preview]").Locator("body")).ToContainTextAsync("pomiędzy działami");
        await page.ScreenshotAsync(new() { Path = Shot("workplace-document-page-phone.png") });

        await page.GetByTestId("checkout").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lock-state")).ToContainTextAsync("anna");
        await page.GetByTestId("checkin").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).Locator("textarea").First).ToBeVisibleAsync();
        await AssertInViewAsync(page, page.GetByTestId("checkin-dialog-submit"));
    }

    private async Task<IPage> SignedInAsync(string user)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fdocuments");
        await browser.SignInAsync(page, user, CrmAppFactory.DemoPassword);
        return page;
    }

    /// <summary>Visible and inside the window without scrolling ("above the fold").</summary>
    private static async Task AssertInViewAsync(IPage page, ILocator element)
    {
        await Assertions.Expect(element).ToBeVisibleAsync();
        var box = await element.BoundingBoxAsync();
        for (var i = 0; i < 20 && box is null; i++)
        {
            await page.WaitForTimeoutAsync(100);   // a dialog still opening, or the page re-rendering after an action
            box = await element.BoundingBoxAsync();
        }

        var viewport = page.ViewportSize!;
        Assert.NotNull(box);
        Assert.True(box.Y >= 0 && box.Y + box.Height <= viewport.Height && box.X + box.Width <= viewport.Width,
            $"{await element.GetAttributeAsync("data-testid")} is at ({box.X}, {box.Y}) on a {viewport.Width}x{viewport.Height} window");
    }

    /// <summary>Stores a file in the "Umowy" folder through the API, with the browser's own session.</summary>
    private async Task<string> UploadAsync(IPage page, string fileName, byte[] bytes)
    {
        var folders = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync(browser.BaseUrl + "/api/folders")).TextAsync()).RootElement;
        var folder = folders.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Umowy").GetProperty("id").GetString()!;
        var form = page.Context.APIRequest.CreateFormData();
        form.Append("folderId", folder);
        form.Append("file", new FilePayload { Name = fileName, MimeType = "application/octet-stream", Buffer = bytes });
        var response = await page.Context.APIRequest.PostAsync(browser.BaseUrl + "/api/documents", new() { Multipart = form });
        Assert.Equal(201, response.Status);
        return JsonDocument.Parse(await response.TextAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private async Task<string> DocumentIdAsync(IPage page, string title)
    {
        var found = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync($"{browser.BaseUrl}/api/folders")).TextAsync()).RootElement;
        foreach (var folder in found.EnumerateArray())
        {
            var children = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync($"{browser.BaseUrl}/api/folders/{folder.GetProperty("id").GetString()}/children?pageSize=200")).TextAsync()).RootElement;
            if (children.GetProperty("documents").EnumerateArray().FirstOrDefault(d => d.GetProperty("title").GetString() == title) is { ValueKind: JsonValueKind.Object } document)
            {
                return document.GetProperty("id").GetString()!;
            }
        }

        throw new InvalidOperationException($"No document titled {title} is visible.");
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
