using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Audit;

public sealed record AuditVerification(bool Ok, long Checked, long? FirstBrokenId, string? Reason);

public sealed record AuditView(long Sequence, DateTimeOffset At, string Actor, string Action, string? SubjectType, string? SubjectId, string? Data, string? Ip);

/// <summary>
/// Walks the chain in order and reports the first row whose hash, link or position does not hold, then checks the
/// newest checkpoint in object storage against the chain (rows deleted from the end, the table emptied). Rows written
/// before keyed hashes verify with the plain hash; from the first keyed row on, every row must carry a keyed one.
/// </summary>
public sealed class AuditVerifier(CrmDbContext db, AuditKey key, AuditCheckpoints checkpoints)
{
    private const int Batch = 5000;

    public async Task<AuditVerification> VerifyAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAuditor(user);
        var previous = AuditEntry.Genesis;
        long expected = 1, checkedRows = 0;
        var keyed = false;
        var erasures = new Dictionary<string, (long Sequence, string? Blanked)>(StringComparer.Ordinal);   // erasure → its row and what it says it blanked
        var blanked = new Dictionary<string, List<long>>(StringComparer.Ordinal);                         // erasure → rows found blanked for it
        var named = new Dictionary<string, long>(StringComparer.Ordinal);                                  // erasure → first row naming it
        while (true)
        {
            var rows = await db.AuditLog.AsNoTracking().Where(a => a.Sequence >= expected).OrderBy(a => a.Sequence).Take(Batch).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (row.Sequence != expected)
                {
                    return new AuditVerification(false, checkedRows, expected, $"Row {expected} is missing (deleted).");
                }

                if (row.PreviousHash != previous)
                {
                    return new AuditVerification(false, checkedRows, row.Sequence, "The link to the previous row does not match.");
                }

                if (row.ComputeKeyedHash(key) == row.Hash)
                {
                    keyed = true;
                }
                else if (keyed || row.ComputeHash() != row.Hash)
                {
                    return new AuditVerification(false, checkedRows, row.Sequence, "The row's content does not match its keyed hash (altered or forged).");
                }

                // The hash covers the data's digest: intact data must match it; blanked data must read exactly as an
                // erasure leaves it, and that erasure must be on record (checked at the end).
                if (row.DataDigest is not null && row.RedactedFor is null && AuditEntry.Digest(row.Data ?? "") != row.DataDigest)
                {
                    return new AuditVerification(false, checkedRows, row.Sequence, "The row's content does not match its keyed hash (altered or forged).");
                }

                if (row.RedactedFor is { } erasure)
                {
                    if (row.DataDigest is null || row.Data != AuditEntry.RedactedData(erasure) || row.Action == AuditEntry.ErasureAction)
                    {
                        return new AuditVerification(false, checkedRows, row.Sequence, "The row's content does not match its keyed hash (altered or forged).");
                    }

                    // Written pseudonymised, its hash covers that; blanked later, its erasure must say so. Either way the
                    // erasure it names must be on record.
                    named.TryAdd(erasure, row.Sequence);
                    if (AuditEntry.Digest(row.Data) != row.DataDigest)
                    {
                        (blanked.TryGetValue(erasure, out var rowsOf) ? rowsOf : blanked[erasure] = []).Add(row.Sequence);
                    }
                }

                if (row.Action == AuditEntry.ErasureAction && row.SubjectId is { } erasureId)
                {
                    erasures[erasureId] = (row.Sequence, AuditEntry.DataProperty(row.Data, "blanked"));   // what it says it blanked
                }

                previous = row.Hash;
                expected++;
                checkedRows++;
            }

            if (rows.Count < Batch)
            {
                if (named.FirstOrDefault(b => !erasures.ContainsKey(b.Key)) is { Key: not null } unexplained)
                {
                    return new AuditVerification(false, checkedRows, unexplained.Value, "The row was blanked, but no erasure on record did it.");
                }

                foreach (var (erasure, (sequence, recorded)) in erasures)
                {
                    var found = blanked.GetValueOrDefault(erasure) ?? [];
                    if (recorded is null || AuditEntry.Digest(string.Join(',', found)) != recorded)
                    {
                        return new AuditVerification(false, checkedRows, found.Count > 0 ? found[0] : sequence, "The rows blanked for an erasure are not the ones it recorded.");
                    }
                }

                return await checkpoints.CheckAsync(cancellationToken) is { } anchorBroken
                    ? new AuditVerification(false, checkedRows, expected, anchorBroken)
                    : new AuditVerification(true, checkedRows, null, null);
            }
        }
    }

    public async Task<List<AuditView>> ListAsync(string? actor, string? subjectId, DateTimeOffset? from, DateTimeOffset? to, int limit, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAuditor(user);
        var query = db.AuditLog.AsNoTracking().AsQueryable();
        if (!string.IsNullOrWhiteSpace(actor))
        {
            query = query.Where(a => a.Actor == actor);
        }

        if (!string.IsNullOrWhiteSpace(subjectId))
        {
            query = query.Where(a => a.SubjectId == subjectId);
        }

        if (from is { } f)
        {
            query = query.Where(a => a.At >= f);
        }

        if (to is { } t)
        {
            query = query.Where(a => a.At <= t);
        }

        return await query.OrderByDescending(a => a.Sequence).Take(Math.Clamp(limit, 1, 1000))
            .Select(a => new AuditView(a.Sequence, a.At, a.Actor, a.Action, a.SubjectType, a.SubjectId, a.Data, a.Ip)).ToListAsync(cancellationToken);
    }

    private static void RequireAuditor(CurrentUser user)
    {
        if (!user.IsAdmin && !user.Roles.Contains(Roles.Compliance))
        {
            throw new ForbiddenException("Only compliance officers and admins read the audit trail.");
        }
    }
}

public static class AuditApi
{
    public static IServiceCollection AddCrmAudit(this IServiceCollection services)
    {
        services.TryAddScoped<AuditVerifier>();
        services.TryAddSingleton<AuditKey>();
        services.TryAddScoped<AuditCheckpoints>();
        return services;
    }

    /// <summary>Writes the signed checkpoint of the audit chain's head to object storage every few minutes.</summary>
    public static IServiceCollection AddCrmAuditCheckpoints(this IServiceCollection services) =>
        services.AddHostedService<AuditCheckpointWorker>();

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit").WithTags("Audit");
        audit.MapGet("/verify", async (CurrentUser user, AuditVerifier verifier, CancellationToken ct) =>
                TypedResults.Ok(await verifier.VerifyAsync(user, ct)))
            .WithName("VerifyAudit").WithSummary("Recomputes the hash chain: {ok, checked, firstBrokenId?, reason?}.");
        audit.MapGet("/", async (string? actor, string? subjectId, DateTimeOffset? from, DateTimeOffset? to, int? limit, CurrentUser user, AuditVerifier verifier, CancellationToken ct) =>
                TypedResults.Ok(await verifier.ListAsync(actor, subjectId, from, to, limit ?? 200, user, ct)))
            .WithName("ListAudit");
        return app;
    }
}
