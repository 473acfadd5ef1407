namespace Crm.Platform.Persistence;

public sealed partial class CrmDbContext
{
    internal List<(string Subject, string Erasure)> AuditPseudonyms { get; } = [];

    /// <summary>Audit rows about <paramref name="subject"/> that this unit of work writes are written pseudonymised for <paramref name="erasure"/>.</summary>
    public void PseudonymiseNewAuditRowsAbout(string subject, string erasure) => AuditPseudonyms.Add((subject, erasure));
}
