using Crm.Platform.Common;
using Crm.Workflow.Common;

namespace Crm.Modules.Documents.Validity;

/// <summary>
/// What the documents module needs to know about the counterparty a document belongs to. The counterparties module
/// implements it (it already depends on this module, so this one names counterparties by id only).
/// </summary>
[ModuleContract]
public interface IDocumentCounterparties
{
    /// <summary>Whether the counterparty exists and <paramref name="user"/> may see it.</summary>
    Task<bool> VisibleAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken);

    /// <summary>The counterparty's name and owner (for the reminder mail), or null when it does not exist.</summary>
    Task<DocumentCounterparty?> FindAsync(Guid counterpartyId, CancellationToken cancellationToken);

    /// <summary>Names of those of <paramref name="counterpartyIds"/> that <paramref name="user"/> may see.</summary>
    Task<Dictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> counterpartyIds, CurrentUser user, CancellationToken cancellationToken);
}

/// <summary>A counterparty as the documents module sees it: its name and its owner (a user name).</summary>
[ModuleContract]
public sealed record DocumentCounterparty(Guid Id, string Name, string? Owner);
