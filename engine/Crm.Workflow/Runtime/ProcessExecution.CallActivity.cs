using System.Text.Json.Nodes;
using Crm.Workflow.Model;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Workflow.Runtime;

/// <summary>
/// Call activities: start another process (latest or pinned version) as a child instance in the same
/// transaction, wait for it, map variables back. A child that finishes at once returns at once; one that
/// waits returns later through a <c>CallReturn</c> job on the parent, so many children ending together
/// never fight over the parent's row inside their own steps.
/// </summary>
public sealed partial class ProcessExecution
{
    /// <summary>Set on a child started by a call activity in the same run: its parent reads the result directly.</summary>
    private bool _returnsInline;

    public string? UncaughtErrorCode => _uncaughtErrorCode;

    private async Task StartCalledProcessAsync(Token token, FlowNode node, CancellationToken cancellationToken)
    {
        var spec = node.CallActivity!;
        token.Locals = EvaluateInputs(token, node);
        var visible = VariablesFor(token);
        var key = TextOf(spec.ProcessKey, visible, node.Id) ?? throw new ProcessExecutionException(node.Id, "the called process key is empty.");
        var models = engine.Services.GetRequiredService<ProcessModelCache>();
        DefinitionRef definition;
        try
        {
            definition = spec.Version is { } version
                ? await engine.Db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == key && d.Version == version)
                    .Select(d => new DefinitionRef(d.Id, d.Key, d.Version)).SingleOrDefaultAsync(cancellationToken)
                  ?? throw new NotFoundException($"version {version} of '{key}' is not deployed")
                : await models.LatestAsync(engine.Db, key, cancellationToken);
        }
        catch (NotFoundException ex)
        {
            throw new ProcessExecutionException(node.Id, $"cannot call process '{key}': {ex.Message}", ex);
        }

        if (engine.Services.GetService(typeof(Tasks.ProtectedVariables)) is Tasks.ProtectedVariables protectedVariables && !protectedVariables.MayCall(model.Key, definition.Key))
        {
            // Its start variables (the document, case, article) are the application's to set, never a calling model's.
            throw new ProcessExecutionException(node.Id, $"'{key}' is run by the application for its document, case or article; a call activity cannot start it.");
        }

        var childModel = await models.GetAsync(engine.Db, definition.Id, cancellationToken);
        var input = MapVariables(spec.In, visible, node.Id);
        token.Waiting = true;
        token.Wait = WaitKind.CalledProcess;
        var child = new ProcessInstance
        {
            DefinitionId = definition.Id,
            ProcessKey = definition.Key,
            DefinitionVersion = definition.Version,
            BusinessKey = instance.BusinessKey,
            StartedAt = engine.Clock.GetUtcNow(),
            StartedBy = userName ?? instance.StartedBy,
            State = "{}",
            ParentInstanceId = instance.Id,
            ParentElementId = node.Id,
        };
        var parked = Park(token);
        child.ParentAnchorId = parked is null ? token.Id : token.Body;
        child.ParentToken = parked;
        engine.Db.ProcessInstances.Add(child);
        History(HistoryEventType.CalledProcessStarted, node, new { instanceId = child.Id, key, version = definition.Version });

        var childExecution = new ProcessExecution(childModel, child, new InstanceState(), engine, userName) { _returnsInline = true };
        await childExecution.StartAsync(input, cancellationToken);
        await childExecution.PrepareCommitAsync(cancellationToken);
        childExecution.Flush();
        if (child.Status == InstanceStatus.Active)
        {
            child.ParentToken = parked;
            childExecution._returnsInline = false;
            AttachBoundaries(node, token.Id, token);
            return;
        }

        if (parked is not null)
        {
            state.Tokens.Add(token);
        }

        ReturnFromCall(token, node, childExecution.State.Scopes.Count > 0 ? childExecution.State.Root.Variables : [], childExecution.UncaughtErrorCode, childExecution._escalationsToParent);
    }

    /// <summary>A called process ended (reported by a CallReturn job): continue the call activity's token.</summary>
    public async Task ReturnFromCallAsync(string tokenId, IReadOnlyDictionary<string, JsonNode?> childVariables, string? errorCode, IReadOnlyList<string>? escalations, CancellationToken cancellationToken)
    {
        var token = state.Tokens.First(t => t.Id == tokenId);
        ReturnFromCall(token, model.Node(token.ElementId), childVariables, errorCode, escalations ?? []);
        await RunAsync(cancellationToken);
    }

    private void ReturnFromCall(Token token, FlowNode node, IReadOnlyDictionary<string, JsonNode?> childVariables, string? errorCode, IReadOnlyList<string> escalations)
    {
        foreach (var code in escalations)
        {
            // The call activity's escalation boundaries first, then the enclosing scopes; an interrupting catch ends the call here.
            if (!CatchEscalationAt(node, token.Id, token.ScopeId, code))
            {
                OfferEscalation(token.ScopeId, code);
            }

            if (!state.Tokens.Contains(token))
            {
                return;
            }
        }

        History(HistoryEventType.CalledProcessEnded, node, errorCode is null ? null : new { errorCode });
        DetachAll(token.Id);
        token.Waiting = false;
        token.Wait = null;
        if (errorCode is not null)
        {
            ThrowError(errorCode, $"raised by the process called from '{node.Id}'", node.Id, token.ScopeId, token);
            return;
        }

        foreach (var (name, value) in MapVariables(node.CallActivity!.Out, childVariables, node.Id))
        {
            SetVariable(token.ScopeId, name, value);
        }

        LeaveWithMappings(token, node, null);
    }

    /// <summary>In or out mappings; without any, every variable is passed.</summary>
    private Dictionary<string, JsonNode?> MapVariables(IReadOnlyList<VariableMapping> mappings, IReadOnlyDictionary<string, JsonNode?> source, string elementId)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (mappings.Count == 0 || mappings.Any(m => m.All))
        {
            foreach (var (name, value) in source)
            {
                result[name] = value?.DeepClone();
            }
        }

        foreach (var mapping in mappings.Where(m => !m.All))
        {
            result[mapping.Target!] = mapping.SourceExpression is { } expression
                ? Evaluate(expression, source, elementId)
                : source.GetValueOrDefault(mapping.Source!)?.DeepClone();
        }

        return result;
    }
}
