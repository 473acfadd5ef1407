using System.Collections.Concurrent;
using Crm.Engine.Bpmn.Model;
using Crm.Engine.Bpmn.Runtime;

namespace Crm.Engine.Processes;

/// <summary>Parsed models per definition version. A version never changes, so entries never go stale.</summary>
public sealed class ProcessModelCache(HandlerCatalog handlers)
{
    private readonly ConcurrentDictionary<Guid, ProcessModel> _models = new();

    public ProcessModel Get(ProcessDefinition definition) =>
        _models.GetOrAdd(definition.Id, _ => Parse(definition.Xml));

    public ProcessModel Parse(string xml) => new BpmnParser(handlers.IsKnown).Parse(xml);
}
