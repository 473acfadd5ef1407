using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Audit;

/// <summary>What pseudonymising the audit rows about someone did: rows blanked, and older rows it could not touch.</summary>
public sealed record AuditRedactionResult(int Pseudonymised, int KeptFromBefore);

/// <summary>
/// GDPR erasure in the audit trail: rows about an erased person keep who did what and when, but their data is replaced
/// by a pointer to the erasure. Rows chained with a data digest (<see cref="AuditEntry.DataDigest"/>) can be blanked and
/// the chain still verifies; rows written before digests existed would break it, so they are left and counted (they
/// are read by compliance and admins only). The database trigger allows exactly this change and nothing else.
/// </summary>
public static class AuditRedaction
{
    /// <summary>Blanks the rows whose subject is <paramref name="subjectId"/> or whose data names it; saved with the caller's changes.</summary>
    public static async Task<AuditRedactionResult> PseudonymiseAsync(CrmDbContext db, string subjectId, string erasure, CancellationToken cancellationToken)
    {
        var rows = await db.AuditLog.Where(a => a.RedactedFor == null && a.Action != AuditEntry.ErasureAction
                && (a.SubjectId == subjectId || (a.Data != null && a.Data.Contains(subjectId))))
            .ToListAsync(cancellationToken);
        var blanked = 0;
        foreach (var row in rows.Where(r => r.DataDigest is not null))
        {
            row.Data = AuditEntry.RedactedData(erasure);
            row.RedactedFor = erasure;
            blanked++;
        }

        return new AuditRedactionResult(blanked, rows.Count(r => r.DataDigest is null));
    }
}
