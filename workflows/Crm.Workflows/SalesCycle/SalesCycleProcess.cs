using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Cases;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.SalesCycle;

/// <summary>The starter of <c>sales-cycle</c> (the .bpmn beside it): qualify, offer, negotiate, close; phases follow the steps.</summary>
public sealed class SalesCycleProcess : ISalesCycleProcess
{
    public const string Key = CaseService.SalesProcess;

    /// <summary>The owner's first task.</summary>
    public const string QualifyTaskId = "qualify";

    public async Task<Guid> StartAsync(EngineUnit unit, CrmCase item, string startedBy, CancellationToken cancellationToken)
    {
        var variables = new SalesCycleVariables(item.Id, item.Owner, item.Title, item.CounterpartyId);
        var instance = await unit.StartLatestAsync(Key, variables.ToVariables(), item.Title.Length <= 200 ? item.Title : item.Title[..200], startedBy, cancellationToken);
        return instance.Id;
    }
}
