using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Modules.Knowledge;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Crm.Tests.Server;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>A reader sees the mandatory-reading banner, opens the article and confirms; the compliance officer sees it and exports it.</summary>
public sealed class KnowledgeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Reader_ConfirmsFromTheBanner_ComplianceSeesItAndExportsExcel()
    {
        var page = await browser.NewPageAsync();   // starts the server
        var ewa = new CurrentUser(Guid.NewGuid(), "ewa", new HashSet<string> { Roles.Compliance }, new HashSet<string> { "compliance" });
        var piotr = new CurrentUser(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "process-owners" });
        Guid articleId;
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var articles = scope.ServiceProvider.GetRequiredService<ArticleService>();
            articleId = (await articles.CreateAsync(new CreateArticleRequest("Clean desk policy", "# Clean desk\n\nLeave **nothing** on your desk. <script>alert(1)</script>", "Security", "desk", null), ewa, default)).Id;
            await scope.ServiceProvider.GetRequiredService<PublishArticle>().SubmitAsync(articleId, ewa, default);
        }

        await using (var scope = browser.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var review = await db.UserTasks.AsNoTracking().SingleAsync(t => t.ProcessKey == ArticleService.PublishProcess && t.Status == Crm.Workflow.Tasks.TaskStatus.Open);
            var tasks = scope.ServiceProvider.GetRequiredService<CompleteTask>();
            await scope.ServiceProvider.GetRequiredService<TaskService>().ClaimAsync(review.Id, piotr, default);
            await tasks.RunAsync(review.Id, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["decision"] = "publish" }, piotr, default);
        }

        await using (var scope = browser.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReadingService>().CreateAsync(
                new CreateAssignmentRequest(articleId, null, ["anna"], null, DateTimeOffset.UtcNow.AddDays(7)), ewa, default);
        }

        // Anna: the banner at sign-in, the article (script not executed, shown as text), the explicit confirmation.
        await page.GotoAsync(browser.BaseUrl + "/signin");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("reading-banner")).ToContainTextAsync("Clean desk policy");
        await page.ScreenshotAsync(new() { Path = Shot("reading-banner.png") });
        await page.GetByTestId("reading-link").Filter(new() { HasText = "Clean desk policy" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("article-title")).ToHaveTextAsync("Clean desk policy");
        await Assertions.Expect(page.Locator("[data-testid=article-body] script")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("article-body").Locator("strong")).ToHaveTextAsync("nothing");
        await Assertions.Expect(page.GetByTestId("confirm-read")).ToBeDisabledAsync();
        await page.Locator("input[data-testid=understood], [data-testid=understood] input").First.CheckAsync();
        await page.GetByTestId("confirm-read").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirmed")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("article-confirmed.png"), FullPage = true });
        await page.GetByTestId("nav-tasks").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reading-banner")).Not.ToContainTextAsync("Clean desk policy");   // the demo reading for sales stays
        await page.CloseAsync();

        // Ewa: the confirmation in the compliance view, and the same rows in the Excel export.
        var officer = await browser.NewPageAsync();
        await officer.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcompliance");
        await browser.SignInAsync(officer, "ewa", CrmAppFactory.DemoPassword);
        await officer.GetByTestId("assignment-link").Filter(new() { HasText = "Clean desk policy" }).ClickAsync();
        await Assertions.Expect(officer.GetByTestId("readers-table")).ToContainTextAsync("anna");
        await Assertions.Expect(officer.GetByTestId("readers-table")).ToContainTextAsync("confirmed");
        await officer.ScreenshotAsync(new() { Path = Shot("compliance.png"), FullPage = true });

        var href = await officer.GetByTestId("export-excel").GetAttributeAsync("href") ?? throw new InvalidOperationException("no export link");
        var response = await officer.APIRequest.GetAsync(browser.BaseUrl + "/" + href.TrimStart('/'));
        Assert.Equal(200, response.Status);
        using var workbook = SpreadsheetDocument.Open(new MemoryStream(await response.BodyAsync()), false);
        var rows = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InnerText).ToList()).ToList();
        Assert.Equal("User", rows[0][0]);
        var anna = Assert.Single(rows.Skip(1));
        Assert.Equal(["anna", "Anna Nowak"], anna.Take(2));
        Assert.Equal("confirmed", anna[5]);
        Assert.Equal("1.0", anna[4]);
        Assert.False(string.IsNullOrEmpty(anna[7]));   // confirmed at

        var evidence = await officer.APIRequest.GetAsync(browser.BaseUrl + "/" + (await officer.GetByTestId("evidence").GetAttributeAsync("href"))!.TrimStart('/'));
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await evidence.BodyAsync()));
        Assert.Equal(["article-1.0.html", "audit-verification.json", "confirmations.xlsx"], zip.Entries.Select(e => e.Name).Order());
        await officer.CloseAsync();
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
