using System.Linq.Expressions;
using Crm.Workflow.Common;

namespace Crm.Workflow.Tasks;

/// <summary>
/// The one rule for "this task concerns this person": assigned to, delegated by, completed by, or offered
/// to them or one of their groups. Task lists and instance visibility both filter with it in SQL.
/// </summary>
public static class TaskVisibility
{
    public static Expression<Func<UserTask, bool>> Involves(CurrentUser user)
    {
        var name = user.UserName;
        var groups = user.Groups.ToList();
        return t => t.Assignee == name || t.Owner == name || t.CompletedBy == name
            || t.Candidates.Any(c => (c.Kind == CandidateKind.User && c.Name == name) || (c.Kind == CandidateKind.Group && groups.Contains(c.Name)));
    }
}
