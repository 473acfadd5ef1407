using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Counterparties.Fields;

public enum CustomFieldType
{
    Text = 0,
    Number = 1,
    Date = 2,
    Bool = 3,
    Choice = 4,
    MultiChoice = 5,
    /// <summary>A choice among the active entries of an admin-edited dictionary.</summary>
    Dictionary = 6,
}

/// <summary>An admin-defined field on counterparties or persons, with its validation rules.</summary>
public sealed class CustomFieldDefinition
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>"counterparty" or "person".</summary>
    public required string Entity { get; set; }
    /// <summary>Stable key used in filters, exports and the API (<c>cf.&lt;key&gt;</c>).</summary>
    public required string Key { get; set; }
    public required string Label { get; set; }
    public CustomFieldType Type { get; set; }
    public bool Required { get; set; }
    /// <summary>Regular expression a text value must match.</summary>
    public string? Pattern { get; set; }
    public double? Min { get; set; }
    public double? Max { get; set; }
    /// <summary>Choices, one per line (choice and multi-choice).</summary>
    public string? Options { get; set; }
    public string? DictionaryKey { get; set; }
    /// <summary>Field-level permission: only those who see sensitive data read, write, filter and export it.</summary>
    public bool Sensitive { get; set; }
    public int Order { get; set; }
    public bool Archived { get; set; }

    public IReadOnlyList<string> OptionList => (Options ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// One value of a custom field (a multi-choice has a row per chosen option). Typed columns, each indexed with
/// the field, so "employees ≥ 50" or "contract end before 2025-01-01" is an index range, not a scan.
/// </summary>
public sealed class CustomFieldValue
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid FieldId { get; set; }
    public Guid EntityId { get; set; }
    public string? Text { get; set; }
    public double? Number { get; set; }
    public DateOnly? Date { get; set; }
}

/// <summary>An entry of an editable dictionary (industry, priority, classification, source, category, or an admin's own).</summary>
public sealed class DictionaryEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Dictionary { get; set; }
    public required string Value { get; set; }
    public int Order { get; set; }
    public bool Active { get; set; } = true;
}

public enum RelationKind
{
    Branch = 0,
    Subsidiary = 1,
    Partner = 2,
}

/// <summary>Parent → child: head office → branch, parent → subsidiary, or a partnership.</summary>
public sealed class CounterpartyRelation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ParentId { get; set; }
    public Guid ChildId { get; set; }
    public RelationKind Kind { get; set; }
}

/// <summary>A named group of counterparties (a counterparty may be in many).</summary>
public sealed class CounterpartyGroup
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
}

public sealed class CounterpartyGroupMember
{
    public Guid GroupId { get; set; }
    public Guid CounterpartyId { get; set; }
}

/// <summary>What a user chose for a list (its columns), kept across browsers.</summary>
public sealed class ListPreference
{
    public required string UserName { get; set; }
    public required string ListKey { get; set; }
    public required string Columns { get; set; }
}

internal sealed class FieldConfiguration :
    IEntityTypeConfiguration<CustomFieldDefinition>, IEntityTypeConfiguration<CustomFieldValue>, IEntityTypeConfiguration<DictionaryEntry>,
    IEntityTypeConfiguration<CounterpartyRelation>, IEntityTypeConfiguration<CounterpartyGroup>, IEntityTypeConfiguration<CounterpartyGroupMember>,
    IEntityTypeConfiguration<ListPreference>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> builder)
    {
        builder.ToTable("custom_fields");
        builder.Property(f => f.Entity).HasMaxLength(30);
        builder.Property(f => f.Key).HasMaxLength(60);
        builder.Property(f => f.Label).HasMaxLength(100);
        builder.Property(f => f.Pattern).HasMaxLength(300);
        builder.Property(f => f.Options).HasMaxLength(4000);
        builder.Property(f => f.DictionaryKey).HasMaxLength(60);
        builder.HasIndex(f => new { f.Entity, f.Key }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<CustomFieldValue> builder)
    {
        builder.ToTable("custom_field_values");
        builder.Property(v => v.Text).HasMaxLength(1000);
        builder.HasOne<CustomFieldDefinition>().WithMany().HasForeignKey(v => v.FieldId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => v.EntityId);
        builder.HasIndex(v => new { v.FieldId, v.Text });
        builder.HasIndex(v => new { v.FieldId, v.Number });
        builder.HasIndex(v => new { v.FieldId, v.Date });
    }

    public void Configure(EntityTypeBuilder<DictionaryEntry> builder)
    {
        builder.ToTable("dictionary_entries");
        builder.Property(d => d.Dictionary).HasMaxLength(60);
        builder.Property(d => d.Value).HasMaxLength(100);
        builder.HasIndex(d => new { d.Dictionary, d.Value }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<CounterpartyRelation> builder)
    {
        builder.ToTable("counterparty_relations");
        builder.HasOne<Counterparty>().WithMany().HasForeignKey(r => r.ParentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Counterparty>().WithMany().HasForeignKey(r => r.ChildId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ParentId, r.ChildId }).IsUnique();
        builder.HasIndex(r => r.ChildId);
    }

    public void Configure(EntityTypeBuilder<CounterpartyGroup> builder)
    {
        builder.ToTable("counterparty_groups");
        builder.Property(g => g.Name).HasMaxLength(100);
        builder.HasIndex(g => g.Name).IsUnique();
    }

    public void Configure(EntityTypeBuilder<CounterpartyGroupMember> builder)
    {
        builder.ToTable("counterparty_group_members");
        builder.HasKey(m => new { m.GroupId, m.CounterpartyId });
        builder.HasOne<CounterpartyGroup>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Counterparty>().WithMany().HasForeignKey(m => m.CounterpartyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => m.CounterpartyId);
    }

    public void Configure(EntityTypeBuilder<ListPreference> builder)
    {
        builder.ToTable("list_preferences");
        builder.HasKey(p => new { p.UserName, p.ListKey });
        builder.Property(p => p.UserName).HasMaxLength(100);
        builder.Property(p => p.ListKey).HasMaxLength(60);
        builder.Property(p => p.Columns).HasMaxLength(2000);
    }
}
