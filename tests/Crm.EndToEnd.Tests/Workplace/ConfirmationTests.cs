using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>Cancelling a process instance asks first: "Go back" keeps it running, confirming ends it.</summary>
public sealed class ConfirmationTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task CancelInstance_AsksFirst_GoBackKeepsIt_ConfirmEndsIt()
    {
        var instanceId = await ActiveInstanceAsync(newest: false);
        var page = await Workplace.SignInAsync(browser, "piotr", $"/instances/{instanceId}");
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");

        await page.GetByTestId("cancel-instance").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Cancel this process instance?");
        await Workplace.ScreenshotAsync(page, "confirm-cancel-instance");
        await dialog.GetByTestId("confirm-no").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            Assert.Equal(InstanceStatus.Active, (await db.ProcessInstances.AsNoTracking().SingleAsync(i => i.Id == instanceId)).Status);
        }

        await page.GetByTestId("cancel-instance").ClickAsync();
        await dialog.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-state")).Not.ToHaveTextAsync("Running");
        await Assertions.Expect(page.GetByTestId("cancel-instance")).ToHaveCountAsync(0);
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            Assert.NotEqual(InstanceStatus.Active, (await db.ProcessInstances.AsNoTracking().SingleAsync(i => i.Id == instanceId)).Status);
        }

        await page.CloseAsync();
    }

    [Fact]
    public async Task CancelInstance_EscapeKey_KeepsItRunning()
    {
        var instanceId = await ActiveInstanceAsync(newest: true);
        var page = await Workplace.SignInAsync(browser, "piotr", $"/instances/{instanceId}");
        await page.GetByTestId("cancel-instance").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        // Focus starts on the safe answer; Escape then closes the dialog without acting.
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-no")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        await page.CloseAsync();
    }

    /// <summary>A running top-level demo instance, first or last by id, so the two tests do not share one (SQLite cannot order by DateTimeOffset).</summary>
    private async Task<Guid> ActiveInstanceAsync(bool newest)
    {
        await (await browser.NewPageAsync()).CloseAsync();   // starts the server with its demo processes
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var running = db.ProcessInstances.AsNoTracking().Where(i => i.Status == InstanceStatus.Active && i.ParentInstanceId == null);
        return await (newest ? running.OrderByDescending(i => i.Id) : running.OrderBy(i => i.Id)).Select(i => i.Id).FirstAsync();
    }
}
