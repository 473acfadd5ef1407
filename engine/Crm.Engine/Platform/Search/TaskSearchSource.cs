using Crm.Platform.Persistence;
using Crm.Storage.Search;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Platform.Search;

/// <summary>
/// The caller's own open tasks (assigned, owned or offered to them or their groups) whose name, process or business
/// key contains the text. A person has few open tasks, so this reads them from the database rather than the index.
/// </summary>
public sealed class TaskSearchSource(CrmDbContext db) : IGlobalSearchSource
{
    public string Group => "tasks";

    public int Order => 70;

    public async Task<GlobalSearchGroup?> SearchAsync(GlobalSearchRequest request, CancellationToken cancellationToken)
    {
        var words = Snippets.Terms(request.Text).Select(Crm.Storage.Search.Polish.LightPolishStemmer.Stem).ToList();
        var mine = await db.UserTasks.AsNoTracking().Where(TaskVisibility.Involves(request.User)).Where(t => t.Status == TaskStatus.Open)
            .OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenByDescending(t => t.CreatedAt).Take(500)
            .Select(t => new { t.Id, t.Name, t.ProcessName, t.BusinessKey, t.DueAt }).ToListAsync(cancellationToken);
        var found = mine.Where(t => words.All(w => Snippets.Fold($"{t.Name} {t.ProcessName} {t.BusinessKey}").Contains(w, StringComparison.Ordinal))).ToList();
        return new GlobalSearchGroup(Group, found.Count, false,
            [.. found.Take(request.PerGroup).Select(t => new GlobalSearchItem(t.Id.ToString(), t.Name, t.ProcessName ?? t.BusinessKey, $"tasks/{t.Id}"))],
            "tasks?q=" + Uri.EscapeDataString(request.Text));
    }
}
