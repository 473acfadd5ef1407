using Crm.Workflow.Runtime;

namespace Crm.Modules.Counterparties.Gdpr;

/// <summary>The four-eyes erasure process (<c>gdpr-erasure</c>), started by <see cref="PersonErasure"/>; its handlers call back into it.</summary>
public interface IErasureProcess
{
    /// <summary>Starts the approval of a request in the running engine command; returns the instance id.</summary>
    Task<Guid> StartAsync(EngineUnit unit, ErasureRequest request, IReadOnlyList<string> documentTitles, CancellationToken cancellationToken);
}
