using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Workflow.Tasks;

/// <summary>
/// Variables the product sets for its own processes (ids of the document, case, article, version, file, where a
/// request came from): no task completion, delegate, message, start form or variable edit from outside may write
/// them; only the module's use cases do, in process. Each built-in process declares its own in code (its feature
/// folder in workflows/), so redeploying the model cannot widen what a task may write.
/// </summary>
public sealed record ProtectedProcessVariables(string ProcessKey, IReadOnlyCollection<string> Names)
{
    /// <summary>Built-in processes that start this one through a call activity (their own protected variables feed it).</summary>
    public IReadOnlyCollection<string> CalledBy { get; init; } = [];
}

public sealed class ProtectedVariables(IEnumerable<ProtectedProcessVariables> declared)
{
    private readonly Dictionary<string, HashSet<string>> _byKey = declared
        .GroupBy(d => d.ProcessKey, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.SelectMany(d => d.Names).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    private readonly Dictionary<string, HashSet<string>> _callers = declared
        .GroupBy(d => d.ProcessKey, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.SelectMany(d => d.CalledBy).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    public IReadOnlySet<string> Of(string processKey) => _byKey.TryGetValue(processKey, out var names) ? names : [];

    /// <summary>Whether a call activity of <paramref name="callerKey"/> may start <paramref name="processKey"/>: always without protected variables, else only its declared built-in caller.</summary>
    public bool MayCall(string callerKey, string processKey) =>
        Of(processKey).Count == 0 || (_callers.TryGetValue(processKey, out var callers) && callers.Contains(callerKey));

    /// <summary>400 naming every protected variable among <paramref name="names"/> (what = "a task", "a message" ...).</summary>
    public void Refuse(string processKey, IEnumerable<string> names, string what)
    {
        var refused = names.Where(Of(processKey).Contains).Distinct(StringComparer.Ordinal).ToList();
        if (refused.Count > 0)
        {
            throw new ValidationFailedException(refused.ToDictionary(n => n, n => new[] { $"'{n}' is set by the application for this process; {what} cannot change it." }));
        }
    }

    /// <summary>Deploy check: no user task of a process with protected variables may declare one as a field, a write or an output.</summary>
    public IReadOnlyList<BpmnError> CheckModel(ProcessModel model)
    {
        var names = Of(model.Key);
        if (names.Count == 0)
        {
            return [];
        }

        return [.. model.Nodes.Values.Where(n => n.UserTask is not null).SelectMany(n =>
            TaskWrites.FormFields(n.UserTask!.FormSchema).Concat(n.UserTask.Writes).Concat(n.Outputs.Select(o => o.Name))
                .Where(names.Contains).Distinct(StringComparer.Ordinal)
                .Select(v => new BpmnError(n.Id, $"'{v}' is set by the application for '{model.Key}'; a task may not write it.")))];
    }
}

/// <summary>
/// Who may see the object a built-in process's protected variables point to (the document, case, article): the
/// process's feature folder answers with its module's rights. Instance variables and history show protected
/// values only to those; without an answer for a process, only admins see them.
/// </summary>
public interface IProcessObjectAccess
{
    string ProcessKey { get; }

    Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken);
}

/// <summary>What a task completion from outside may set: its form's fields and its declared writes, nothing else.</summary>
public static class TaskWrites
{
    public static IEnumerable<string> FormFields(string? schemaJson)
    {
        if (string.IsNullOrWhiteSpace(schemaJson))
        {
            return [];
        }

        return JsonNode.Parse(schemaJson)?["properties"] is JsonObject properties ? [.. properties.Select(p => p.Key)] : [];
    }

    /// <summary>400 naming each variable the task does not take, or a protected one.</summary>
    public static void Check(UserTask task, FlowNode? node, IReadOnlyDictionary<string, JsonNode?>? variables, ProtectedVariables protectedVariables)
    {
        if (variables is not { Count: > 0 })
        {
            return;
        }

        protectedVariables.Refuse(task.ProcessKey, variables.Keys, "a task");
        var allowed = FormFields(task.FormSchema).Concat(node?.UserTask?.Writes ?? []).ToHashSet(StringComparer.Ordinal);
        var refused = variables.Keys.Where(k => !allowed.Contains(k)).ToList();
        if (refused.Count > 0)
        {
            var takes = allowed.Count == 0 ? "nothing (it has no form)" : string.Join(", ", allowed.Order(StringComparer.Ordinal));
            throw new ValidationFailedException(refused.ToDictionary(k => k, _ => new[] { $"This task does not take this value; it takes {takes}." }));
        }
    }
}

public static class ProtectedVariablesRegistration
{
    /// <summary>Declares the variables the application sets for <paramref name="processKey"/> (a built-in process's starter).</summary>
    public static IServiceCollection AddProtectedVariables(this IServiceCollection services, string processKey, IEnumerable<string> names, IEnumerable<string>? calledBy = null)
    {
        services.AddSingleton(new ProtectedProcessVariables(processKey, [.. names]) { CalledBy = [.. calledBy ?? []] });
        return services;
    }
}
