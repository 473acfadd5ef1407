using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Modules.Knowledge;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Server.Hosting;

/// <summary>
/// On a fresh demo database: two published articles (through the real review process) and a mandatory reading
/// of one of them for the sales group, so the banner, the inbox and the compliance view have something to show.
/// </summary>
internal static class DemoKnowledge
{
    public static async Task LoadAsync(IServiceProvider services, string folder)
    {
        var db = services.GetRequiredService<CrmDbContext>();
        if (!Directory.Exists(folder) || await db.Articles.AnyAsync())
        {
            return;
        }

        var ewa = new CurrentUser(Guid.Empty, "ewa", new HashSet<string> { Roles.Compliance }, new HashSet<string> { "compliance" });
        var piotr = new CurrentUser(Guid.Empty, "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "process-owners" });
        Guid? first = null;
        foreach (var file in Directory.GetFiles(folder, "*.md").Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(file);
            var title = text.Split('\n')[0].TrimStart('#', ' ').Trim();
            var articles = services.GetRequiredService<ArticleService>();
            var id = (await articles.CreateAsync(new CreateArticleRequest(title, text, "Procedury/Bezpieczeństwo", "demo", null), ewa, CancellationToken.None)).Id;
            await services.GetRequiredService<PublishArticle>().SubmitAsync(id, ewa, CancellationToken.None);
            var review = await db.UserTasks.AsNoTracking().SingleAsync(t => t.ProcessKey == ArticleService.PublishProcess && t.Status == Crm.Workflow.Tasks.TaskStatus.Open);
            var tasks = services.GetRequiredService<CompleteTask>();
            await services.GetRequiredService<TaskService>().ClaimAsync(review.Id, piotr, CancellationToken.None);
            await tasks.RunAsync(review.Id, new Dictionary<string, JsonNode?> { ["decision"] = "publish", ["comment"] = "Zatwierdzone." }, piotr, CancellationToken.None);
            first ??= id;
        }

        if (first is { } articleId)
        {
            await services.GetRequiredService<ReadingService>().CreateAsync(
                new CreateAssignmentRequest(articleId, null, null, ["sales"], DateTimeOffset.UtcNow.AddDays(7)), ewa, CancellationToken.None);
        }
    }
}
