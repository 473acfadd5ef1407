using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Platform.Access;

/// <summary>What one may do with a kind of object (and see its screen).</summary>
[Flags]
public enum AccessRights
{
    None = 0,
    Read = 1,
    Create = 2,
    Edit = 4,
    /// <summary>Archive and merge for counterparties; remove for the others.</summary>
    Delete = 8,
    Export = 16,
    All = Read | Create | Edit | Delete | Export,
}

/// <summary>Which counterparties a record rule opens (and with them their persons, cases, complaints, tickets).</summary>
public enum RecordScope
{
    All = 0,
    /// <summary>Those the user owns.</summary>
    Owned = 1,
    /// <summary>Those whose region is one of the user's groups.</summary>
    OwnGroupRegions = 2,
    /// <summary>Those meeting the rule's conditions (the list's filter builder: field:op:value, all must hold).</summary>
    Matching = 3,
}

/// <summary>How far one may go with a field.</summary>
public enum FieldLevel
{
    Hidden = 0,
    Read = 1,
    Write = 2,
}

/// <summary>The object types rights and field rules are kept for; each has a screen of the same name.</summary>
public static class AccessObjects
{
    public const string Counterparty = "counterparty";
    public const string Person = "person";
    public const string Case = "case";
    public const string Complaint = "complaint";
    public const string Campaign = "campaign";
    public const string Survey = "survey";
    public const string Loyalty = "loyalty";

    /// <summary>The object types of round 1's CRM, seeded by the first access migration (their seed ids depend on this order).</summary>
    public static readonly IReadOnlyList<string> Crm = [Counterparty, Person, Case, Complaint];

    /// <summary>The marketing module's object types (campaigns with their mailings, surveys, loyalty programmes).</summary>
    public static readonly IReadOnlyList<string> Marketing = [Campaign, Survey, Loyalty];

    public static readonly IReadOnlyList<string> All = [.. Crm, .. Marketing];

    /// <summary>The field name a rule uses for every field marked sensitive that no rule names itself.</summary>
    public const string SensitiveFields = "*sensitive";
}

/// <summary>Who a rule is for: everyone, a role or a group, written <c>everyone</c>, <c>role:staff</c>, <c>group:finance</c>.</summary>
public static class AccessSubjects
{
    public const string Everyone = "everyone";

    public static string Role(string role) => "role:" + role;

    public static string Group(string group) => "group:" + group;

    public static IEnumerable<string> Of(CurrentUser user) =>
        [Everyone, .. user.Roles.Select(Role), .. user.Groups.Select(Group)];
}

/// <summary>A role's or group's rights on an object type. A user has the union of the rows for their subjects.</summary>
public sealed class AccessRight
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Subject { get; set; }
    public required string ObjectType { get; set; }
    public AccessRights Rights { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string? ChangedBy { get; set; }
}

/// <summary>Which counterparty records a subject sees. A user sees the union of the rules for their subjects.</summary>
public sealed class RecordRule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Subject { get; set; }
    public RecordScope Scope { get; set; }
    /// <summary>For <see cref="RecordScope.Matching"/>: filter conditions, one <c>field:op:value</c> per line.</summary>
    public string? Conditions { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string? ChangedBy { get; set; }
}

/// <summary>
/// How far a subject may go with one field of an object type (built-in key, <c>cf.key</c> for a custom field, or
/// <see cref="AccessObjects.SensitiveFields"/>). The rules naming a field for a user's subjects decide it, the most
/// generous winning; without one an ordinary field is writable and a sensitive one follows the sensitive-fields rules.
/// </summary>
public sealed class FieldRule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Subject { get; set; }
    public required string ObjectType { get; set; }
    public required string Field { get; set; }
    public FieldLevel Level { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string? ChangedBy { get; set; }
}

internal sealed class AccessConfiguration : IEntityTypeConfiguration<AccessRight>, IEntityTypeConfiguration<RecordRule>, IEntityTypeConfiguration<FieldRule>
{
    private static readonly DateTimeOffset Shipped = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    public void Configure(EntityTypeBuilder<AccessRight> builder)
    {
        builder.ToTable("access_rights");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Subject).HasMaxLength(120);
        builder.Property(r => r.ObjectType).HasMaxLength(40);
        builder.Property(r => r.ChangedBy).HasMaxLength(100);
        builder.HasIndex(r => new { r.Subject, r.ObjectType }).IsUnique();
        // The rules the product had built in, now the defaults an admin changes: everyone works with the CRM records
        // they see (worker accounts reach only external tasks anyway); managers also archive, merge and remove.
        var n = 0;
        builder.HasData(
            from subject in new[] { AccessSubjects.Everyone, AccessSubjects.Role(Roles.Admin), AccessSubjects.Role(Roles.ProcessOwner) }
            from type in AccessObjects.Crm
            select new AccessRight
            {
                Id = ShippedId(1, ++n), Subject = subject, ObjectType = type, ChangedAt = Shipped,
                Rights = subject == AccessSubjects.Everyone ? AccessRights.Read | AccessRights.Create | AccessRights.Edit | AccessRights.Export : AccessRights.All,
            });
        // Marketing came later: the same defaults, in an id range of their own.
        n = 100;
        builder.HasData(
            from subject in new[] { AccessSubjects.Everyone, AccessSubjects.Role(Roles.Admin), AccessSubjects.Role(Roles.ProcessOwner) }
            from type in AccessObjects.Marketing
            select new AccessRight
            {
                Id = ShippedId(1, ++n), Subject = subject, ObjectType = type, ChangedAt = Shipped,
                Rights = subject == AccessSubjects.Everyone ? AccessRights.Read | AccessRights.Create | AccessRights.Edit | AccessRights.Export : AccessRights.All,
            });
    }

    public void Configure(EntityTypeBuilder<RecordRule> builder)
    {
        builder.ToTable("access_record_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Subject).HasMaxLength(120);
        builder.Property(r => r.Conditions).HasMaxLength(4000);
        builder.Property(r => r.ChangedBy).HasMaxLength(100);
        builder.HasIndex(r => r.Subject);
        builder.HasData(
            new RecordRule { Id = ShippedId(2, 1), Subject = AccessSubjects.Role(Roles.Admin), Scope = RecordScope.All, ChangedAt = Shipped },
            new RecordRule { Id = ShippedId(2, 2), Subject = AccessSubjects.Role(Roles.ProcessOwner), Scope = RecordScope.All, ChangedAt = Shipped },
            new RecordRule { Id = ShippedId(2, 3), Subject = AccessSubjects.Role(Roles.Compliance), Scope = RecordScope.All, ChangedAt = Shipped },
            new RecordRule { Id = ShippedId(2, 4), Subject = AccessSubjects.Everyone, Scope = RecordScope.Owned, ChangedAt = Shipped },
            new RecordRule { Id = ShippedId(2, 5), Subject = AccessSubjects.Everyone, Scope = RecordScope.OwnGroupRegions, ChangedAt = Shipped });
    }

    public void Configure(EntityTypeBuilder<FieldRule> builder)
    {
        builder.ToTable("access_field_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Subject).HasMaxLength(120);
        builder.Property(r => r.ObjectType).HasMaxLength(40);
        builder.Property(r => r.Field).HasMaxLength(80);
        builder.Property(r => r.ChangedBy).HasMaxLength(100);
        builder.HasIndex(r => new { r.Subject, r.ObjectType, r.Field }).IsUnique();
        var n = 0;
        builder.HasData(
            from subject in new[] { AccessSubjects.Role(Roles.Admin), AccessSubjects.Role(Roles.ProcessOwner), AccessSubjects.Group("finance") }
            from type in new[] { AccessObjects.Counterparty, AccessObjects.Person, AccessObjects.Case }
            select new FieldRule { Id = ShippedId(3, ++n), Subject = subject, ObjectType = type, Field = AccessObjects.SensitiveFields, Level = FieldLevel.Write, ChangedAt = Shipped });
        // Bank accounts: everyone who sees the company reads them; managers and finance keep them.
        builder.HasData(
            from subject in new[] { AccessSubjects.Everyone, AccessSubjects.Role(Roles.Admin), AccessSubjects.Role(Roles.ProcessOwner), AccessSubjects.Group("finance") }
            select new FieldRule
            {
                Id = ShippedId(3, ++n), Subject = subject, ObjectType = AccessObjects.Counterparty, Field = "bankAccounts",
                Level = subject == AccessSubjects.Everyone ? FieldLevel.Read : FieldLevel.Write, ChangedAt = Shipped,
            });
    }

    private static Guid ShippedId(int table, int row) => new($"00000000-0000-4000-8000-{table:D4}{row:D8}");
}
