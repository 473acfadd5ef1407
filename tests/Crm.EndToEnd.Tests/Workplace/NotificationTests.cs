using System.Text.RegularExpressions;
using Crm.Tests.Server;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>The bell: a task given to anna while she looks at the home page rings it live; a click opens the task and reads it.</summary>
public sealed class NotificationTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly CurrentUser Piotr = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());

    /// <summary>Someone else gives anna a task named <paramref name="taskName"/> (a process of its own, so the name is unique).</summary>
    private async Task GiveAnnaATaskAsync(string key, string taskName)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var xml = $"""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d">
              <bpmn:process id="{key}" name="Bell check" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
                <bpmn:userTask id="work" name="{taskName}" crm:assignee="anna"/>
                <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """;
        await scope.ServiceProvider.GetRequiredService<DefinitionService>().DeployAsync(xml, Piotr, CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<RuntimeService>().StartAsync(new StartInstanceRequest(key, null, null), Piotr, CancellationToken.None);
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task TaskAssignedToAnna_RingsHerBellLive_AndTheItemOpensTheTask(int width)
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(width, width < 600 ? 844 : 900);
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2F");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("bell")).ToBeVisibleAsync();
        // Start from a quiet bell: whatever the demo data rang is read.
        await page.GetByTestId("bell").ClickAsync();
        if (await page.GetByTestId("bell-mark-all").IsEnabledAsync())
        {
            await page.GetByTestId("bell-mark-all").ClickAsync();
        }

        await Assertions.Expect(page.GetByTestId("bell-count").Locator(".mud-badge")).ToHaveCountAsync(0);
        await page.GetByTestId("bell").ClickAsync();   // closes the list

        var name = $"Sign the delivery note {width}";
        await GiveAnnaATaskAsync($"bell-check-{width}", name);

        // No reload: the count comes with the next poll.
        await Assertions.Expect(page.GetByTestId("bell-count").Locator(".mud-badge")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        if (width == 390)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "bell-phone.png") });
        }

        await page.GetByTestId("bell").ClickAsync();
        var item = page.GetByTestId("bell-item").First;
        await Assertions.Expect(item).ToContainTextAsync($"New task: {name}");
        if (width == 1280)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "bell-desktop.png"), Animations = ScreenshotAnimations.Disabled });
        }

        await item.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/tasks/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByTestId("task-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("bell-count").Locator(".mud-badge")).ToHaveCountAsync(0);

        // The notifications page lists it as read.
        await page.GotoAsync(browser.BaseUrl + "/notifications");
        await Assertions.Expect(page.GetByTestId("notif-table")).ToContainTextAsync(name);
        await Assertions.Expect(page.GetByTestId("notif-mark")).ToHaveCountAsync(0);
        await page.CloseAsync();
    }
}
