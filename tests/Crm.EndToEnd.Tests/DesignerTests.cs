using System.Text.RegularExpressions;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Crm.Tests.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>
/// A process owner draws a process in the bpmn-js modeler with mouse and keyboard (no XML injected), staff work it
/// through their inboxes, and the instance viewer shows the result.
/// </summary>
public sealed class DesignerTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ProcessOwner_DrawsTwoStepApproval_StaffCompleteIt_ViewerShowsItCompleted()
    {
        var page = await SignInAsync("piotr", "/processes/design");
        await page.WaitForSelectorAsync("[data-testid=designer-ready][data-ready=true]", new() { State = WaitForSelectorState.Attached });

        var approve = await AppendUserTaskAsync(page, "start", "Approve request", "Sales");
        // The first step gets a form: one required comment, built in the form editor.
        await page.GetByTestId("form-add-field").ClickAsync();
        await PageInput.FillSettledAsync(PageInput.Input(page, "form-field-name"), "comment");
        await PageInput.FillSettledAsync(PageInput.Input(page, "form-field-label"), "Comment");
        await page.GetByTestId("form-field-required").ClickAsync();
        await Assertions.Expect(page.GetByTestId("form-preview")).ToContainTextAsync("Comment *");

        var confirm = await AppendUserTaskAsync(page, approve, "Confirm approval", "Office");
        await ClickElementAsync(page, confirm);
        await page.ClickAsync(".djs-context-pad [data-action='append.end-event']");
        await page.Keyboard.PressAsync("Escape");

        // Clicking the empty canvas selects the process itself: its key and name.
        await ClickEmptyCanvasAsync(page);
        await PageInput.FillSettledAsync(PageInput.Input(page, "prop-id"), "two-step-approval");
        await PageInput.FillSettledAsync(PageInput.Input(page, "prop-name"), "Two-step approval");
        await Assertions.Expect(page.GetByTestId("no-problems")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("designer.png") });

        await page.GetByTestId("deploy").ClickAsync();
        await Assertions.Expect(page.GetByTestId("designer-source")).ToHaveTextAsync("version 1");
        // The designer moves to the process's own address after a deploy; let it land before leaving.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/processes/design/two-step-approval$"));

        // Start it by hand from the process list.
        await page.GotoAsync(browser.BaseUrl + "/processes");
        await page.WaitForSelectorAsync("main [data-ready=true], .mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("start-two-step-approval").ClickAsync();
        await PageInput.Input(page, "start-business-key").FillAsync("APP-7");
        await page.GetByTestId("start-confirm").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open instance" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/instances/"));
        var instanceUrl = page.Url;
        await page.CloseAsync();

        // Anna (sales) claims and completes the first step; the form is validated by the server.
        var anna = await SignInAsync("anna", "/tasks");
        await anna.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        await Assertions.Expect(anna.GetByTestId("task-table")).ToContainTextAsync("APP-7");
        await anna.GetByRole(AriaRole.Row).Filter(new() { HasText = "APP-7" }).GetByTestId("claim").ClickAsync();
        await anna.GetByRole(AriaRole.Tab, new() { Name = "My tasks" }).ClickAsync();
        await Assertions.Expect(anna.GetByTestId("claim")).ToHaveCountAsync(0);
        await Assertions.Expect(anna.GetByTestId("task-table")).ToContainTextAsync("APP-7");
        await anna.ScreenshotAsync(new() { Path = Shot("inbox.png") });
        await anna.GetByRole(AriaRole.Row).Filter(new() { HasText = "APP-7" }).GetByTestId("task-link").ClickAsync();
        await Assertions.Expect(anna.GetByTestId("task-name")).ToHaveTextAsync("Approve request");
        await anna.GetByTestId("complete").ClickAsync();
        await Assertions.Expect(anna.GetByText("This field is required.")).ToBeVisibleAsync();
        await PageInput.Input(anna, "field-comment").FillAsync("Budget is fine");
        await PageInput.Input(anna, "field-comment").PressAsync("Tab");   // commit the value to the circuit before completing
        await Assertions.Expect(anna.GetByTestId("complete")).ToBeEnabledAsync();
        await anna.WaitForSelectorAsync("[data-testid=bpmn-viewer][data-rendered=true]", new() { State = WaitForSelectorState.Attached });
        await anna.ScreenshotAsync(new() { Path = Shot("task-form.png"), FullPage = true });
        await anna.GetByTestId("complete").ClickAsync();
        await Assertions.Expect(anna).ToHaveURLAsync(new Regex("/tasks$"), new() { Timeout = 20_000 });
        await anna.CloseAsync();

        // Jan (office) does the second step.
        var jan = await SignInAsync("jan", "/tasks");
        await jan.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        await jan.GetByRole(AriaRole.Row).Filter(new() { HasText = "APP-7" }).GetByTestId("claim").ClickAsync();
        await jan.GetByRole(AriaRole.Tab, new() { Name = "My tasks" }).ClickAsync();
        await jan.GetByRole(AriaRole.Row).Filter(new() { HasText = "APP-7" }).GetByTestId("task-link").ClickAsync();
        await Assertions.Expect(jan.GetByTestId("task-name")).ToHaveTextAsync("Confirm approval");
        await jan.GetByTestId("complete").ClickAsync();
        await Assertions.Expect(jan).ToHaveURLAsync(new Regex("/tasks$"), new() { Timeout = 20_000 });
        await jan.CloseAsync();

        // The process owner sees the instance completed, every step marked done, the comment among the variables.
        var owner = await SignInAsync("piotr", new Uri(instanceUrl).PathAndQuery);
        await Assertions.Expect(owner.GetByTestId("instance-state")).ToHaveTextAsync("Completed");
        await owner.WaitForSelectorAsync("[data-testid=bpmn-viewer][data-rendered=true]", new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(owner.Locator($".djs-element.crm-done[data-element-id='{approve}']")).ToHaveCountAsync(1);
        await Assertions.Expect(owner.Locator($".djs-element.crm-done[data-element-id='{confirm}']")).ToHaveCountAsync(1);
        await Assertions.Expect(owner.GetByTestId("variables")).ToContainTextAsync("Budget is fine");
        await owner.ScreenshotAsync(new() { Path = Shot("instance-viewer.png"), FullPage = true });
        await owner.CloseAsync();
    }

    [Fact]
    public async Task DeployingInvalidDrawing_ShowsServerErrorsOnTheElements()
    {
        var page = await SignInAsync("piotr", "/processes/design");
        await page.WaitForSelectorAsync("[data-testid=designer-ready][data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await ClickElementAsync(page, "start");
        await page.ClickAsync(".djs-context-pad [data-action='append.append-task']");
        await page.Keyboard.TypeAsync("Send offer");
        await page.Keyboard.PressAsync("Enter");
        var id = await PageInput.Input(page, "prop-id").InputValueAsync();
        // A service task with no handler: the engine refuses it.
        await page.ClickAsync(".djs-context-pad [data-action='replace']");
        await page.ClickAsync(".djs-popup [data-id='replace-with-service-task']");
        var serviceId = await WaitForSelectedTypeAsync(page, "ServiceTask");

        await page.GetByTestId("deploy").ClickAsync();
        await Assertions.Expect(page.GetByText(new Regex("Not deployed"))).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($".crm-problem-badge[data-element='{serviceId}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("problems")).ToContainTextAsync("crm:handler");
        await page.ScreenshotAsync(new() { Path = Shot("designer-errors.png") });
        Assert.False(string.IsNullOrEmpty(id));

        // Choosing a handler shows what it reads and sets; a required input left empty is refused on deploy, on the element.
        await page.GetByTestId("prop-handler").ClickAsync();
        await page.GetByText("CRM · Move a case to a phase").ClickAsync();
        await Assertions.Expect(page.GetByTestId("prop-handler-reads")).ToContainTextAsync("caseId");
        await Assertions.Expect(page.GetByTestId("prop-handler-outputs")).ToContainTextAsync("phase");
        await page.GetByTestId("deploy").ClickAsync();
        await Assertions.Expect(page.GetByTestId("problems")).ToContainTextAsync("needs the input 'phase'");
        await page.ScreenshotAsync(new() { Path = Shot("designer-handler-contract.png") });
        await page.CloseAsync();
    }

    [Fact]
    public async Task ProcessOwner_TurnsEventsIntoSignalAndConditionalEvents_AndNamesThemInThePanel()
    {
        var page = await SignInAsync("piotr", "/processes/design");
        await page.WaitForSelectorAsync("[data-testid=designer-ready][data-ready=true]", new() { State = WaitForSelectorState.Attached });

        // The start event becomes a signal start through the replace menu; the panel names the signal.
        await ClickElementAsync(page, "start");
        await page.ClickAsync(".djs-context-pad [data-action='replace']");
        await page.ClickAsync("[data-id='replace-with-signal-start']");
        await PageInput.FillSettledAsync(PageInput.Input(page, "prop-signal"), "stock-alarm");

        // An appended intermediate event becomes a conditional catch with its condition.
        await page.ClickAsync(".djs-context-pad [data-action='append.intermediate-event']");
        await page.Keyboard.PressAsync("Escape");
        var caught = await page.EvaluateAsync<string>("() => document.querySelector('[data-testid=canvas]').crmDesigner.selected().id");
        await ClickElementAsync(page, caught);
        await page.ClickAsync(".djs-context-pad [data-action='replace']");
        await Assertions.Expect(page.Locator("[data-id='replace-with-conditional-intermediate-catch']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-id='replace-with-signal-intermediate-throw']")).ToBeVisibleAsync();
        await page.ClickAsync("[data-id='replace-with-conditional-intermediate-catch']");
        await PageInput.FillSettledAsync(PageInput.Input(page, "prop-event-condition"), "${stock > 10}");
        await page.ScreenshotAsync(new() { Path = Shot("designer-signal-conditional.png") });

        var xml = await page.EvaluateAsync<string>("async () => (await document.querySelector('[data-testid=canvas]').crmDesigner.modeler.saveXML()).xml");
        Assert.Matches("<bpmn:signal id=\"[^\"]+\" name=\"stock-alarm\"", xml);
        Assert.Contains("signalRef=", xml, StringComparison.Ordinal);
        Assert.Contains("${stock &gt; 10}", xml, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("problems")).Not.ToContainTextAsync("signal");
        await page.CloseAsync();
    }

    [Fact]
    public async Task ProcessOwner_MakesATaskRepeat_AndAComplexGatewayGoOnEarly()
    {
        var page = await SignInAsync("piotr", "/processes/design");
        await page.WaitForSelectorAsync("[data-testid=designer-ready][data-ready=true]", new() { State = WaitForSelectorState.Attached });

        // A reminder step repeats until the customer paid, at most three times.
        var remind = await AppendUserTaskAsync(page, "start", "Remind the customer", "Sales");
        await page.GetByTestId("prop-mi").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Loop')");
        await PageInput.FillSettledAsync(PageInput.Input(page, "prop-loop-condition"), "${!paid}");
        await Assertions.Expect(PageInput.Input(page, "prop-loop-maximum")).ToHaveValueAsync("3");

        // After it, a complex gateway that goes on as soon as one path arrived.
        await ClickElementAsync(page, remind);
        await page.ClickAsync(".djs-context-pad [data-action='append.gateway']");
        await page.ClickAsync(".djs-context-pad [data-action='replace']");
        await page.ClickAsync(".djs-popup [data-id='replace-with-complex-gateway']");
        await WaitForSelectedTypeAsync(page, "ComplexGateway");
        await PageInput.FillSettledAsync(PageInput.Input(page, "prop-activation"), "${activationCount >= 1}");
        await Assertions.Expect(page.GetByTestId("problems")).ToContainTextAsync("The gateway leads nowhere");   // the live lint reads both
        await page.ScreenshotAsync(new() { Path = Shot("designer-loop-complex.png") });

        var xml = await page.EvaluateAsync<string>("async () => (await document.querySelector('[data-testid=canvas]').crmDesigner.modeler.saveXML()).xml");
        Assert.Matches("<bpmn:standardLoopCharacteristics loopMaximum=\"3\">\\s*<bpmn:loopCondition[^>]*>\\$\\{!paid\\}</bpmn:loopCondition>", xml);
        Assert.Matches("<bpmn:complexGateway id=\"[^\"]+\">[\\s\\S]*<bpmn:activationCondition[^>]*>\\$\\{activationCount &gt;= 1\\}</bpmn:activationCondition>", xml);
        await page.CloseAsync();
    }

    [Fact]
    public async Task TaskForMyGroup_AppearsInTheInbox_WithoutReload()
    {
        var page = await SignInAsync("anna", "/tasks");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("task-table")).Not.ToContainTextAsync("LIVE-42");

        // Someone else starts a complaint (complaints desk = anna's group) while anna looks at her inbox.
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var piotr = new CurrentUser(Guid.NewGuid(), "piotr", new HashSet<string> { "process-owner" }, new HashSet<string>());
            await scope.ServiceProvider.GetRequiredService<RuntimeService>()
                .StartAsync(new StartInstanceRequest("complaint-intake", "LIVE-42", null), piotr, CancellationToken.None);
        }

        await Assertions.Expect(page.GetByTestId("task-table")).ToContainTextAsync("LIVE-42", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("nav-task-count")).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    private async Task<IPage> SignInAsync(string user, string path)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=" + Uri.EscapeDataString(path));
        await browser.SignInAsync(page, user, CrmAppFactory.DemoPassword);
        return page;
    }

    /// <summary>Appends a task with the context pad, names it by typing, turns it into a user task and offers it to a group.</summary>
    private static async Task<string> AppendUserTaskAsync(IPage page, string fromId, string name, string group)
    {
        await ClickElementAsync(page, fromId);
        await page.ClickAsync(".djs-context-pad [data-action='append.append-task']");
        await page.Keyboard.TypeAsync(name);
        await page.Keyboard.PressAsync("Enter");
        await page.ClickAsync(".djs-context-pad [data-action='replace']");
        await page.ClickAsync(".djs-popup [data-id='replace-with-user-task']");
        var id = await WaitForSelectedTypeAsync(page, "UserTask");
        await page.GetByTestId("prop-candidate-groups").ClickAsync();
        await page.ClickAsync($".mud-popover-open .mud-list-item:has-text('{group}')");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator($".djs-element[data-element-id='{id}']")).ToBeVisibleAsync();
        return id;
    }

    private static async Task<string> WaitForSelectedTypeAsync(IPage page, string type)
    {
        await Assertions.Expect(page.GetByTestId("properties-panel")).ToContainTextAsync(type);
        return await PageInput.Input(page, "prop-id").InputValueAsync();
    }

    private static async Task ClickElementAsync(IPage page, string id)
    {
        // From an empty spot first: clicking the already selected element would not reopen its context pad.
        await ClickEmptyCanvasAsync(page);
        await page.ClickAsync($".djs-element[data-element-id='{id}']");
    }

    private static async Task ClickEmptyCanvasAsync(IPage page)
    {
        var box = await page.GetByTestId("canvas").BoundingBoxAsync() ?? throw new InvalidOperationException("No canvas.");
        await page.Mouse.ClickAsync(box.X + box.Width - 60, box.Y + box.Height - 60);
    }

    /// <summary>
    /// Fills a properties-panel field and leaves it, again if the panel re-rendered with the element's old value in
    /// between (the selection change that shows the panel can land after the first keystrokes).
    /// </summary>
    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
