using Crm.Workflow.Runtime;

namespace Crm.Modules.Counterparties.Cases;

/// <summary>
/// What the CRM module needs of the sales-cycle process: the module owns the contract, the process
/// (workflows/SalesCycle: .bpmn, handlers, starter) implements it.
/// </summary>
public interface ISalesCycleProcess
{
    /// <summary>Starts the cycle of a new case in the running engine command; returns the instance id.</summary>
    Task<Guid> StartAsync(EngineUnit unit, CrmCase item, string startedBy, CancellationToken cancellationToken);
}
