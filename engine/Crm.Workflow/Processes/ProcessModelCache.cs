using System.Collections.Concurrent;
using Crm.Workflow.Model;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Processes;

/// <summary>The definition row's identity, enough to start or continue an instance.</summary>
public sealed record DefinitionRef(Guid Id, string Key, int Version);

/// <summary>
/// Parsed models per definition version (a version never changes, so entries never go stale), and a
/// short-lived "latest version of key" lookup so starting an instance costs no extra query. A deploy on
/// this node clears the lookup at once; other nodes see a new version within <see cref="LatestTtl"/>.
/// </summary>
public sealed class ProcessModelCache(HandlerCatalog handlers, TimeProvider clock)
{
    public static readonly TimeSpan LatestTtl = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<Guid, ProcessModel> _models = new();
    private readonly ConcurrentDictionary<string, (DefinitionRef Definition, DateTimeOffset Until)> _latest = new(StringComparer.Ordinal);

    public ProcessModel Get(ProcessDefinition definition) =>
        _models.GetOrAdd(definition.Id, _ => Parse(definition.Xml));

    public async Task<ProcessModel> GetAsync(WorkflowDbContext db, Guid definitionId, CancellationToken cancellationToken)
    {
        if (_models.TryGetValue(definitionId, out var model))
        {
            return model;
        }

        var xml = await db.ProcessDefinitions.AsNoTracking().Where(d => d.Id == definitionId).Select(d => d.Xml).SingleAsync(cancellationToken);
        return _models.GetOrAdd(definitionId, _ => Parse(xml));
    }

    public async Task<DefinitionRef> LatestAsync(WorkflowDbContext db, string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_latest.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Definition;
        }

        var latest = await db.ProcessDefinitions.AsNoTracking()
            .Where(d => d.Key == key).OrderByDescending(d => d.Version)
            .Select(d => new DefinitionRef(d.Id, d.Key, d.Version))
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"No process with key '{key}' is deployed.");
        _latest[key] = (latest, now + LatestTtl);
        return latest;
    }

    public void Deployed(string key) => _latest.TryRemove(key, out _);

    /// <summary>Parses a model (versions already deployed load with this: a rule added later never locks them out).</summary>
    public ProcessModel Parse(string xml) => new BpmnParser(handlers.IsKnown).Parse(xml);

    /// <summary>Parses a model about to be deployed or linted: also every required handler input must be mapped.</summary>
    public ProcessModel ParseForDeploy(string xml)
    {
        var model = Parse(xml);
        return handlers.CheckInputs(model) is { Count: > 0 } missing ? throw new BpmnValidationException(missing) : model;
    }
}
