using System.Text.RegularExpressions;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>The user lifecycle in the browser: a leaver disabled and their tasks handed on, a role change reaching an open page, a reset password.</summary>
public sealed class UserAdminTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly CurrentUser System = new(Guid.Empty, "admin", new HashSet<string> { Roles.Admin }, new HashSet<string>());

    [Fact]
    public async Task Admin_DisablesALeaver_AndHandsTheirTasksToAColleague()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fadmin%2Fusers");
        await browser.SignInAsync(page, "admin", CrmAppFactory.AdminPassword);
        await StartTasksForAsync("jan", 2);

        await page.GetByTestId("users-table").Locator("tr", new() { HasText = "Jan Kowalski" }).ClickAsync();
        var editor = page.GetByTestId("user-editor");
        await Assertions.Expect(editor.GetByTestId("user-open-tasks").Locator("tr")).ToHaveCountAsync(2);
        await editor.GetByTestId("disable-user").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-yes").ClickAsync();   // disabling asks first
        await Assertions.Expect(editor.GetByTestId("user-disabled")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("users-table").Locator("tr", new() { HasText = "Jan Kowalski" })).ToContainTextAsync("Disabled");

        await editor.GetByTestId("reassign-to").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Marek')");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "admin-user-leaver.png"), FullPage = true });
        await editor.GetByTestId("reassign-tasks").ClickAsync();
        await Assertions.Expect(page.GetByText("2 task(s) handed to marek.")).ToBeVisibleAsync();
        await Assertions.Expect(editor.GetByTestId("user-open-tasks")).ToHaveCountAsync(0);

        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        Assert.Equal(2, await db.UserTasks.CountAsync(t => t.ProcessKey == "leaver-work" && t.Assignee == "marek"));
        Assert.False(await db.Users.Where(u => u.UserName == "jan").Select(u => u.IsActive).SingleAsync());
        await page.CloseAsync();
    }

    [Fact]
    public async Task AnOpenPage_FollowsARoleChange_WithoutReloading()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin");
        await browser.SignInAsync(page, "marek", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(0);

        await ChangeRolesAsync("marek", [Roles.Staff, Roles.Admin]);
        await Assertions.Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "role-change-live.png") });

        await ChangeRolesAsync("marek", [Roles.Staff]);
        await Assertions.Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await page.CloseAsync();
    }

    [Fact]
    public async Task AResetPassword_LeadsToThePasswordFormFirst_ThenTheUserWorksOn()
    {
        var page = await browser.NewPageAsync();   // first: the server starts with it
        string temporary;
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var piotr = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Users.Where(u => u.UserName == "piotr").Select(u => u.Id).SingleAsync();
            temporary = await scope.ServiceProvider.GetRequiredService<UserAdministration>().ResetPasswordAsync(piotr, System, CancellationToken.None);
        }

        await page.GotoAsync(browser.BaseUrl + "/signin");
        await page.FillAsync("#userName", "piotr");
        await page.FillAsync("#password", temporary);
        await page.ClickAsync("#signin-submit");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/password$"));
        await Assertions.Expect(page.GetByTestId("password-forced")).ToBeVisibleAsync();

        // Any other page leads back to the form until the password is changed.
        await page.GotoAsync(browser.BaseUrl + "/tasks");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/password$"));

        await page.FillAsync("#current", temporary);
        await page.FillAsync("#new", "Piotr-Own-2026");
        await page.FillAsync("#repeat", "Piotr-Other-2026");
        await page.ClickAsync("#password-submit");
        await Assertions.Expect(page.GetByTestId("password-error")).ToHaveTextAsync("The two new passwords differ.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "password-forced.png") });

        await page.FillAsync("#current", temporary);
        await page.FillAsync("#new", "Piotr-Own-2026");
        await page.FillAsync("#repeat", "Piotr-Own-2026");
        await page.ClickAsync("#password-submit");
        await page.WaitForSelectorAsync("[data-ready=true]");
        await Assertions.Expect(page.GetByTestId("welcome")).ToContainTextAsync("Piotr");
        await page.GotoAsync(browser.BaseUrl + "/tasks");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/tasks$"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task AManager_RenamesAndArchivesACompany_AndFindsItUnderArchived()
    {
        var page = await browser.NewPageAsync();   // first: the server starts with it
        Guid id;
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<Crm.Modules.Counterparties.CounterpartyService>().CreateAsync(
                new Crm.Modules.Counterparties.CreateCounterpartyRequest(null, "Drukarnia Nowa Sp. z o.o.", null, null, null, null, null, null, null, null, "sales", null, null, null, null,
                    [new Crm.Modules.Counterparties.AddressInput("registered", "Polna 3", "60-001", "Poznań", "PL", new DateOnly(2020, 1, 1), null)], null, null),
                System, CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<Crm.Modules.Counterparties.CounterpartyService>().CreateAsync(
                new Crm.Modules.Counterparties.CreateCounterpartyRequest(null, "Drukarnia Nowa duplikat", null, null, null, null, null, null, null, null, "sales", null, null, null, null,
                    null, null, null, AllowDuplicate: true),
                System, CancellationToken.None);
        }

        await page.GotoAsync(browser.BaseUrl + $"/signin?returnUrl=%2Fcrm%2F{id}");
        await browser.SignInAsync(page, "admin", CrmAppFactory.AdminPassword);
        await page.GetByTestId("master-data-toggle").ClickAsync();
        var panel = page.GetByTestId("master-data");
        await PageInput.FillSettledAsync(PageInput.Input(page, "rename-name"), "Drukarnia Nowa S.A.");
        await panel.GetByTestId("rename").ClickAsync();
        await Assertions.Expect(page.GetByTestId("counterparty-name")).ToHaveTextAsync("Drukarnia Nowa S.A.");
        await Assertions.Expect(panel.GetByTestId("changes")).ToContainTextAsync("data edited");

        // The duplicate someone created is merged in.
        await PageInput.Input(page, "merge-duplicate").FillAsync("duplikat");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Drukarnia Nowa duplikat')");
        await panel.GetByTestId("merge").ClickAsync();
        await panel.GetByTestId("merge-confirm").ClickAsync();   // a second, explicit click
        await Assertions.Expect(page.GetByText("Drukarnia Nowa duplikat was merged into this one")).ToBeVisibleAsync();
        await Assertions.Expect(panel.GetByTestId("changes")).ToContainTextAsync("duplicate merged in");

        await PageInput.FillSettledAsync(PageInput.Input(page, "block-reason"), "Disputed invoice");
        await panel.GetByTestId("set-block").ClickAsync();
        await Assertions.Expect(page.GetByTestId("block")).ToContainTextAsync("Disputed invoice");
        await panel.GetByTestId("archive").ClickAsync();
        await Assertions.Expect(page.GetByTestId("archived")).ToBeVisibleAsync();
        await Assertions.Expect(panel.GetByTestId("changes")).ToContainTextAsync("block set");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "company-master-data.png"), FullPage = true });

        await page.GotoAsync(browser.BaseUrl + "/crm");
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await PageInput.FillSettledAsync(PageInput.Input(page, "crm-search"), "drukarnia");
        await Assertions.Expect(page.GetByText("Drukarnia Nowa S.A.")).ToHaveCountAsync(0);
        await page.GetByTestId("show-archived").ClickAsync();
        await Assertions.Expect(page.GetByText("Drukarnia Nowa S.A.")).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [Fact]
    public async Task AComplianceOfficer_DownloadsAPersonsGdprExport()
    {
        var page = await browser.NewPageAsync();   // first: the server starts with it
        Guid person;
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            person = await scope.ServiceProvider.GetRequiredService<Crm.Modules.Counterparties.CrmActivityService>().CreatePersonAsync(
                new Crm.Modules.Counterparties.CreatePersonRequest(null, "Zofia", "Wróbel", null, null, "zofia@example.com", null, null), System, CancellationToken.None);
        }

        await page.GotoAsync(browser.BaseUrl + $"/signin?returnUrl=%2Fcrm%2Fpersons%2F{person}");
        await browser.SignInAsync(page, "ewa", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("person-title")).ToHaveTextAsync("Zofia Wróbel");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "person-gdpr.png") });
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("gdpr-export").ClickAsync());
        Assert.StartsWith("gdpr-zofia-wrobel-", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.EndsWith(".zip", download.SuggestedFilename, StringComparison.Ordinal);
        await page.CloseAsync();
    }

    private async Task StartTasksForAsync(string assignee, int count)
    {
        const string xml = """
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" targetNamespace="t" id="d">
              <process id="leaver-work" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
                <userTask id="work" name="Call the customer back" crm:assignee="ASSIGNEE"/>
                <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """;
        await using var scope = browser.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DefinitionService>().DeployAsync(xml.Replace("ASSIGNEE", assignee, StringComparison.Ordinal), System, CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            await using var start = browser.Services.CreateAsyncScope();
            await start.ServiceProvider.GetRequiredService<RuntimeService>().StartAsync(new StartInstanceRequest("leaver-work", $"CB-{i}", null), System, CancellationToken.None);
        }
    }

    private async Task ChangeRolesAsync(string userName, string[] roles)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var user = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
        var details = await admin.GetAsync(user, System, CancellationToken.None);
        await admin.UpdateAsync(user, new UserUpdate(details.User.DisplayName, details.User.Email, roles, details.User.Groups, details.ManagerId), System, CancellationToken.None);
    }
}
