using Crm.Workflow.Common;
using Crm.Workflow.Runtime;

namespace Crm.Modules.Complaints;

/// <summary>
/// What the complaints module needs of its process: the module owns the contract, the process
/// (workflows/ComplaintHandling: .bpmn, handlers, starter) implements it.
/// </summary>
public interface IComplaintProcess
{
    /// <summary>Starts the handling of a newly registered complaint in the running engine command; returns the instance id.</summary>
    Task<Guid> StartAsync(EngineUnit unit, Complaint complaint, ComplaintSettings settings, string startedBy, CancellationToken cancellationToken);

    /// <summary>
    /// The supplier's expertise arrived: recorded on the complaint (edit right checked) and the process waiting for it goes
    /// on to the decision, in one commit; 409 when the process does not wait for one.
    /// </summary>
    Task ExpertiseReceivedAsync(Guid complaintId, string? summary, CurrentUser user, CancellationToken cancellationToken);
}
