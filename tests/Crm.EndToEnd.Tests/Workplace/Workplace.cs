using Crm.Tests.Server;
using Microsoft.Playwright;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>What the workplace tests share: signing in at a given width, and a screenshot kept for review.</summary>
internal static class Workplace
{
    public const int PhoneWidth = 390;
    public const int PhoneHeight = 844;

    public static async Task<IPage> SignInAsync(BrowserFixture browser, string user, string path, bool phone = false)
    {
        var page = await browser.NewPageAsync();
        if (phone)
        {
            await page.SetViewportSizeAsync(PhoneWidth, PhoneHeight);
        }

        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=" + Uri.EscapeDataString(path));
        await browser.SignInAsync(page, user, CrmAppFactory.DemoPassword);
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, name + ".png") });
}
