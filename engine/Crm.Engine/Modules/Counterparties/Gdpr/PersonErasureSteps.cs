using Crm.Platform.Common;

namespace Crm.Modules.Counterparties.Gdpr;

/// <summary>
/// Another module's part of a GDPR erasure: it blanks the personal data its own rows hold about the person (an address
/// copied into an outbox row, merge values, free-text evidence) and keeps what must stay as proof. Called inside the
/// erasure's unit of work: tracked changes only, never a save, so the erasure and every module's part commit together.
/// </summary>
[ModuleContract]
public interface IPersonErasureStep
{
    /// <summary>What the certificate calls these rows ("mailing recipients").</summary>
    string Name { get; }

    /// <summary>Blanks the person's data in this module's rows; returns how many rows changed.</summary>
    Task<int> EraseAsync(Guid personId, CancellationToken cancellationToken);
}
