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
        var page = await browser.NewPageAsync();   // starts the server with its demo processes
        Guid instanceId;
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            instanceId = await db.ProcessInstances.AsNoTracking()
                .Where(i => i.Status == InstanceStatus.Active && i.ParentInstanceId == null)
                .OrderBy(i => i.StartedAt).Select(i => i.Id).FirstAsync();
        }

        await page.CloseAsync();
        page = await Workplace.SignInAsync(browser, "piotr", $"/instances/{instanceId}");
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Active");

        await page.GetByTestId("cancel-instance").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Cancel this process instance?");
        await Workplace.ScreenshotAsync(page, "confirm-cancel-instance");
        await dialog.GetByTestId("confirm-no").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Active");
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            Assert.Equal(InstanceStatus.Active, (await db.ProcessInstances.AsNoTracking().SingleAsync(i => i.Id == instanceId)).Status);
        }

        await page.GetByTestId("cancel-instance").ClickAsync();
        await dialog.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-state")).Not.ToHaveTextAsync("Active");
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
        var page = await browser.NewPageAsync();
        Guid instanceId;
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            instanceId = await db.ProcessInstances.AsNoTracking()
                .Where(i => i.Status == InstanceStatus.Active && i.ParentInstanceId == null)
                .OrderByDescending(i => i.StartedAt).Select(i => i.Id).FirstAsync();
        }

        await page.CloseAsync();
        page = await Workplace.SignInAsync(browser, "piotr", $"/instances/{instanceId}");
        await page.GetByTestId("cancel-instance").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Active");
        await page.CloseAsync();
    }
}
