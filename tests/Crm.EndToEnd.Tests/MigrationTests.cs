using System.Text;
using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>A process owner moves a running instance to a new version from the Processes page.</summary>
public sealed class MigrationTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Version1 = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0">
          <bpmn:process id="offer-approval" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
            <bpmn:userTask id="check" name="Check offer" crm:candidateGroups="sales"/>
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task ProcessOwner_MigratesARunningInstance_WrongMappingShowsTheElement()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fprocesses");
        await browser.SignInAsync(page, "piotr", CrmAppFactory.DemoPassword);
        await DeployAsync(page, Version1);
        await page.GetByTestId("start-offer-approval").ClickAsync();
        await page.GetByTestId("start-confirm").ClickAsync();
        await Assertions.Expect(page.GetByText("Started an instance of offer-approval.")).ToBeVisibleAsync();
        await DeployAsync(page, Version1.Replace("\"check\"", "\"verify\"", StringComparison.Ordinal).Replace("targetRef=\"check\"", "targetRef=\"verify\"", StringComparison.Ordinal).Replace("sourceRef=\"check\"", "sourceRef=\"verify\"", StringComparison.Ordinal));

        await page.GetByText("Migrate running instances").First.ClickAsync();
        await Field(page, "migrate-key").FillAsync("offer-approval");
        await Field(page, "migrate-to").FillAsync("2");
        await page.GetByTestId("migrate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("migrate-errors")).ToContainTextAsync("'check'");

        await page.Locator("textarea[data-testid=migrate-mapping], [data-testid=migrate-mapping] textarea").First.FillAsync("check=verify");
        await page.GetByTestId("migrate").ClickAsync();
        await Assertions.Expect(page.GetByText("Migrated 1 instance(s).")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "migration.png"), FullPage = true });
        await page.CloseAsync();
    }

    private static async Task DeployAsync(IPage page, string xml)
    {
        await page.GetByTestId("deploy-file").SetInputFilesAsync(new FilePayload { Name = "offer.bpmn", MimeType = "application/xml", Buffer = Encoding.UTF8.GetBytes(xml) });
        await Assertions.Expect(page.GetByText("Deployed offer-approval", new() { Exact = false }).Last).ToBeVisibleAsync();
    }

    private static ILocator Field(IPage page, string name) =>
        page.Locator($"input[data-testid={name}], [data-testid={name}] input").First;
}
