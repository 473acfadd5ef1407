using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Audit;

/// <summary>What pseudonymising the audit rows about someone did: the rows blanked (by sequence), and older rows it could not touch.</summary>
public sealed record AuditRedactionResult(IReadOnlyList<long> Blanked, int KeptFromBefore)
{
    /// <summary>What the erasure's own audit row records, so the verifier can tell these rows from any others blanked.</summary>
    public string BlankedDigest => AuditEntry.Digest(string.Join(',', Blanked));
}

/// <summary>
/// GDPR erasure in the audit trail: rows about an erased person keep who did what and when, but their data is replaced
/// by a pointer to the erasure. Rows chained with a data digest (<see cref="AuditEntry.DataDigest"/>) can be blanked and
/// the chain still verifies; the erasure's own row records which rows it blanked (<see cref="AuditRedactionResult.BlankedDigest"/>),
/// so the verifier refuses a row blanked by anyone else. Rows written before digests existed would break the chain, so
/// they are left and counted (only compliance and admins read the audit trail). Rows about the person written by the
/// same unit of work are written pseudonymised: the erasure's own new row names the subject, so the rule lives and dies
/// with the unit of work (a failed or retried one leaves nothing behind on a pooled context).
/// </summary>
public static class AuditRedaction
{
    /// <summary>Blanks the stored rows whose subject is <paramref name="subjectId"/> or whose data names it; saved with the caller's changes.</summary>
    public static async Task<AuditRedactionResult> PseudonymiseAsync(CrmDbContext db, string subjectId, string erasure, CancellationToken cancellationToken)
    {
        var rows = await db.AuditLog.Where(a => a.RedactedFor == null && a.Action != AuditEntry.ErasureAction
                && (a.SubjectId == subjectId || (a.Data != null && a.Data.Contains(subjectId))))
            .OrderBy(a => a.Sequence).ToListAsync(cancellationToken);
        var blanked = new List<long>();
        foreach (var row in rows.Where(r => r.DataDigest is not null))
        {
            row.Data = AuditEntry.RedactedData(erasure);
            row.RedactedFor = erasure;
            blanked.Add(row.Sequence);
        }

        return new AuditRedactionResult(blanked, rows.Count(r => r.DataDigest is null && r.Data is not null));
    }

    /// <summary>Writes the unit of work's new rows about a subject erased in it pseudonymised (called when they are chained).</summary>
    internal static void Apply(IReadOnlyList<AuditEntry> pending)
    {
        var erased = pending.Where(e => e.Action == AuditEntry.ErasureAction && e.SubjectId is not null)
            .Select(e => (Subject: AuditEntry.DataProperty(e.Data, "subject"), Erasure: e.SubjectId!)).Where(p => p.Subject is not null).ToList();
        if (erased.Count == 0)
        {
            return;
        }

        foreach (var entry in pending.Where(e => e.Action != AuditEntry.ErasureAction && e.RedactedFor is null))
        {
            foreach (var (subject, erasure) in erased)
            {
                if (entry.SubjectId == subject || entry.Data?.Contains(subject!, StringComparison.Ordinal) == true)
                {
                    entry.Data = AuditEntry.RedactedData(erasure);
                    entry.RedactedFor = erasure;
                    break;
                }
            }
        }
    }
}
