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

    /// <summary>Elements that reach past the right edge of the window (empty when the page does not scroll sideways).</summary>
    public static Task<string[]> WiderThanScreenAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(e).position !== 'fixed'
                && !e.closest('.mud-table-container, .mud-simple-table, .mud-tabs-tabbar'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + (e.getAttribute('data-testid') || ''))
        """);

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, name + ".png") });
}
