using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Platform.Audit;

/// <summary>
/// One security-relevant event in the append-only audit trail. Rows are chained: each stores the SHA-256
/// of its own content and of the previous row's hash, and sequences have no gaps, so an altered, inserted
/// or deleted row breaks the chain at a place <see cref="AuditVerifier"/> names.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Position in the chain, 1, 2, 3 ... without gaps (assigned when the row is chained; unique).</summary>
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? SubjectType { get; set; }
    public string? SubjectId { get; set; }
    /// <summary>Details as JSON.</summary>
    public string? Data { get; set; }
    public string? Ip { get; set; }
    /// <summary>
    /// SHA-256 of <see cref="Data"/>, set when the row is chained (rows from before have none). The row's hash covers the
    /// digest instead of the data, so a GDPR erasure can blank the data of rows about the erased person and the chain
    /// still verifies: <see cref="RedactedFor"/> names the erasure, whose own row is in the chain.
    /// </summary>
    public string? DataDigest { get; set; }
    /// <summary>The erasure request that pseudonymised <see cref="Data"/> (then exactly <see cref="RedactedData"/>); null for intact rows.</summary>
    public string? RedactedFor { get; set; }
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";

    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The plain hash over everything the row says plus the previous hash (rows written before keyed hashes).</summary>
    public string ComputeHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Content())));

    /// <summary>The keyed hash (HMAC with the audit key, kept outside the database): only the application can write a valid row.</summary>
    public string ComputeKeyedHash(AuditKey key) => key.Sign(Content());

    private string Content() => string.Join('\u001f',
        Sequence.ToString(CultureInfo.InvariantCulture), At.UtcTicks.ToString(CultureInfo.InvariantCulture), Actor, Action,
        SubjectType ?? "", SubjectId ?? "", DataDigest is null ? Data ?? "" : "sha256:" + DataDigest, Ip ?? "", PreviousHash);

    public static string Digest(string data) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data)));

    /// <summary>What a pseudonymised row's data reads: nothing of the person, only the erasure that blanked it.</summary>
    public static string RedactedData(string erasure) => $"{{\"pseudonymised\":\"{erasure}\"}}";

    /// <summary>A string property of a row's JSON data (null when absent, not a string, or the data is not JSON).</summary>
    public static string? DataProperty(string? data, string name)
    {
        if (data is null)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(data);
            return document.RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root && root.TryGetProperty(name, out var value)
                && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The action of the row an erasure writes when it is carried out (<see cref="RedactedFor"/> points at its subject id).</summary>
    public const string ErasureAction = "gdpr.erasure-executed";

    /// <summary>
    /// Millisecond precision in UTC: what both stores keep exactly (PostgreSQL microseconds, SQLite's packed
    /// 0.1 ms), so the hash of a row read back matches the hash written.
    /// </summary>
    public static DateTimeOffset Normalize(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.Sequence).IsUnique();
        builder.Property(a => a.Actor).HasMaxLength(100);
        builder.Property(a => a.Action).HasMaxLength(60);
        builder.Property(a => a.SubjectType).HasMaxLength(60);
        builder.Property(a => a.SubjectId).HasMaxLength(100);
        builder.Property(a => a.Data).HasMaxLength(4000);
        builder.Property(a => a.Ip).HasMaxLength(64);
        builder.Property(a => a.DataDigest).HasMaxLength(64);
        builder.Property(a => a.RedactedFor).HasMaxLength(40);
        builder.Property(a => a.PreviousHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
        builder.HasIndex(a => new { a.Actor, a.At });
        builder.HasIndex(a => new { a.SubjectType, a.SubjectId });
    }
}
