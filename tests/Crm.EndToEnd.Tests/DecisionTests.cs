using System.Text.RegularExpressions;
using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>
/// A process owner creates a decision table in the browser (dmn-js), deploys it, tests it in the panel beside it,
/// changes a cell by typing, deploys again, and sees a broken entry refused with the rule's id.
/// </summary>
public sealed class DecisionTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ProcessOwner_CreatesDeploysTestsAndChangesADecisionTable()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=" + Uri.EscapeDataString("/decisions"));
        await browser.SignInAsync(page, "piotr", CrmAppFactory.DemoPassword);
        await page.GetByTestId("new-decision").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/decisions/edit$"));
        await page.WaitForSelectorAsync("[data-testid=decision-ready][data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await PageInput.FillSettledAsync(PageInput.Input(page, "new-decision-key"), "shippingFee");
        await PageInput.FillSettledAsync(PageInput.Input(page, "new-decision-name"), "Shipping fee");
        await page.GetByTestId("create-decision").ClickAsync();
        await Assertions.Expect(page.Locator(".tjs-table")).ToBeVisibleAsync();

        await page.GetByTestId("deploy-decision").ClickAsync();
        await Assertions.Expect(page.GetByTestId("decision-version")).ToHaveTextAsync("shippingFee · v1");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/decisions/edit/shippingFee$"));

        // The panel asks for the table's input (amount) and shows the matching rule and its output.
        await PageInput.FillSettledAsync(PageInput.Input(page, "test-input-amount"), "500");
        await page.GetByTestId("evaluate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("matched-rules")).ToHaveTextAsync("shippingFee_rule1");
        await Assertions.Expect(page.GetByTestId("result-table")).ToContainTextAsync("small");

        // Typing into a cell of the table: a new output, deployed as version 2.
        var cell = page.Locator("td.output-cell").Filter(new() { HasText = "\"small\"" }).Locator("[contenteditable]");
        await cell.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("\"cheap\"");
        await Assertions.Expect(page.GetByTestId("unsaved")).ToBeVisibleAsync();
        await page.GetByTestId("deploy-decision").ClickAsync();
        await Assertions.Expect(page.GetByTestId("decision-version")).ToHaveTextAsync("shippingFee · v2");
        await page.GetByTestId("evaluate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("result-table")).ToContainTextAsync("cheap");
        await Assertions.Expect(page.GetByTestId("decision-history")).ToContainTextAsync("shippingFee_rule1");
        await page.ScreenshotAsync(new() { Path = Shot("decision-editor.png"), FullPage = true });

        // A broken entry is refused, naming the rule; version 2 stays.
        var entry = page.Locator("td.input-cell").Filter(new() { HasText = ">= 1000" }).Locator("[contenteditable]");
        await entry.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("[1..");
        await page.GetByTestId("deploy-decision").ClickAsync();
        await Assertions.Expect(page.GetByTestId("dmn-errors")).ToContainTextAsync("shippingFee_rule2");
        await Assertions.Expect(page.GetByTestId("decision-version")).ToHaveTextAsync("shippingFee · v2");
        await page.ScreenshotAsync(new() { Path = Shot("decision-errors.png"), FullPage = true });

        await page.GotoAsync(browser.BaseUrl + "/decisions");
        await Assertions.Expect(page.GetByTestId("decisions")).ToContainTextAsync("Shipping fee");
        await Assertions.Expect(page.GetByTestId("decisions")).ToContainTextAsync("UNIQUE");

        // A process calls it; its instance page shows what was decided.
        await page.GotoAsync(browser.BaseUrl + "/processes");
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });   // the circuit is live
        await page.GetByTestId("deploy-file").SetInputFilesAsync(new FilePayload
        {
            Name = "parcel.bpmn",
            MimeType = "application/xml",
            Buffer = System.Text.Encoding.UTF8.GetBytes("""
                <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="urn:p" id="p">
                  <process id="parcel" name="Parcel" isExecutable="true">
                    <startEvent id="start"/>
                    <sequenceFlow id="f1" sourceRef="start" targetRef="price"/>
                    <businessRuleTask id="price" camunda:decisionRef="shippingFee" camunda:resultVariable="fee" camunda:mapDecisionResult="singleEntry">
                      <extensionElements><camunda:inputOutput><camunda:inputParameter name="amount">${500}</camunda:inputParameter></camunda:inputOutput></extensionElements>
                    </businessRuleTask>
                    <sequenceFlow id="f2" sourceRef="price" targetRef="pack"/>
                    <userTask id="pack" name="Pack" camunda:candidateGroups="office"/>
                    <sequenceFlow id="f3" sourceRef="pack" targetRef="end"/>
                    <endEvent id="end"/>
                  </process>
                </definitions>
                """),
        });
        await page.GetByTestId("start-parcel").ClickAsync();
        await page.GetByTestId("start-confirm").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open instance" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/instances/"));
        await Assertions.Expect(page.GetByTestId("instance-decisions")).ToContainTextAsync("shippingFee v2");
        await Assertions.Expect(page.GetByTestId("instance-decisions")).ToContainTextAsync("\"cheap\"");
        await page.ScreenshotAsync(new() { Path = Shot("instance-decisions.png"), FullPage = true });
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
