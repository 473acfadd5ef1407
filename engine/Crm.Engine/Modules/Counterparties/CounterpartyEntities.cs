using Crm.Platform.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Counterparties;

public enum CounterpartyKind
{
    Company = 0,
    Person = 1,
}

[ModuleContract]
public enum AddressKind
{
    Registered = 0,
    Correspondence = 1,
    Delivery = 2,
}

public enum BlockKind
{
    Sales = 0,
    Delivery = 1,
    Payment = 2,
}

/// <summary>A company or a natural person we do business with (kontrahent).</summary>
[ModuleContract]
public sealed class Counterparty
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public CounterpartyKind Kind { get; set; }
    public required string Name { get; set; }
    public string? ShortName { get; set; }
    /// <summary>Lower case without diacritics: what name search (prefix and infix) compares with.</summary>
    public string SearchName { get; set; } = "";
    public string? Nip { get; set; }
    public string? Regon { get; set; }
    public string? VatEu { get; set; }
    public bool Archived { get; set; }
    public string? Industry { get; set; }
    public string? Priority { get; set; }
    public string? Source { get; set; }
    public string? Classification { get; set; }
    /// <summary>Comma-separated: supplier, customer, prospect, ...</summary>
    public string? Categories { get; set; }
    /// <summary>Record scope: staff see counterparties of their region (a group name) or owned by them.</summary>
    public string? Region { get; set; }
    public string? Owner { get; set; }
    public int? PaymentDays { get; set; }
    /// <summary>Sensitive: shown only to those allowed (see <see cref="CounterpartyAccess"/>).</summary>
    public decimal? CreditLimit { get; set; }
    public string? Currency { get; set; }
    /// <summary>"Transformed into": the successor after a merger or change of legal form.</summary>
    public Guid? SuccessorId { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Revision { get; set; }
    public List<CounterpartyAddress> Addresses { get; set; } = [];
    public List<BankAccount> BankAccounts { get; set; } = [];
    public List<CounterpartyBlock> Blocks { get; set; } = [];
    public List<PreviousName> PreviousNames { get; set; } = [];
}

/// <summary>An address valid from a day until a day (inclusive; open-ended when null), so past addresses can be answered.</summary>
[ModuleContract]
public sealed class CounterpartyAddress
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CounterpartyId { get; set; }
    public AddressKind Kind { get; set; }
    public required string Street { get; set; }
    public required string PostalCode { get; set; }
    public required string City { get; set; }
    public string Country { get; set; } = "PL";
    public DateOnly ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
}

public sealed class BankAccount
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CounterpartyId { get; set; }
    public required string Iban { get; set; }
    public string? Bank { get; set; }
    /// <summary>Retired accounts stay listed (payments made to them remain explainable) but are no longer used.</summary>
    public DateOnly? RetiredOn { get; set; }
    public string? RetiredBy { get; set; }
}

public sealed class CounterpartyBlock
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CounterpartyId { get; set; }
    public BlockKind Kind { get; set; }
    public required string Reason { get; set; }
    public DateOnly From { get; set; }
    public DateOnly? To { get; set; }
    public string? SetBy { get; set; }
    /// <summary>Who lifted the block early and why (a block that simply ran out has none).</summary>
    public string? LiftedBy { get; set; }
    public string? LiftReason { get; set; }
}

public sealed class PreviousName
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CounterpartyId { get; set; }
    public required string Name { get; set; }
    public DateOnly ValidUntil { get; set; }
}

/// <summary>A contact person (linked to a company) or the person behind a natural-person counterparty.</summary>
[ModuleContract]
public sealed class ContactPerson
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? CounterpartyId { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public string? Position { get; set; }
    public string? Department { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    /// <summary>Personal data: shown only to those allowed.</summary>
    public DateOnly? Birthday { get; set; }
    public bool MarketingConsent { get; set; }
    public string? ConsentSource { get; set; }
    public DateTimeOffset? ConsentAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>female, male or unspecified (null).</summary>
    public string? Gender { get; set; }
    /// <summary>The person they report to, in the same company.</summary>
    public Guid? SuperiorId { get; set; }
    /// <summary>Their roles towards us, comma-separated (decision maker, purchaser, technical contact ...).</summary>
    public string? Roles { get; set; }
    public string? Remarks { get; set; }
    /// <summary>Personal data (like <see cref="Birthday"/>): read and written only by those allowed sensitive fields.</summary>
    public string? PrivateAddress { get; set; }
    /// <summary>Name day as MM-dd.</summary>
    public string? NameDay { get; set; }
    public string? Anniversaries { get; set; }
    public string? Family { get; set; }
    public string? Hobbies { get; set; }
    public int Revision { get; set; }
    /// <summary>More e-mails and phones, business or private, besides the main <see cref="Email"/> and <see cref="Phone"/>.</summary>
    public List<PersonContact> Contacts { get; set; } = [];
}

/// <summary>An e-mail address or phone number of a person; private ones are personal data.</summary>
public sealed class PersonContact
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PersonId { get; set; }
    /// <summary>email or phone.</summary>
    public required string Kind { get; set; }
    public required string Value { get; set; }
    /// <summary>What it is for: "mobile", "assistant", "home" ...</summary>
    public string? Label { get; set; }
    public bool Private { get; set; }
}

public enum ActivityType
{
    Call = 0,
    Email = 1,
    Meeting = 2,
    Letter = 3,
    Sms = 4,
    Visit = 5,
    Other = 6,
}

public enum ActivityStatus
{
    Planned = 0,
    Done = 1,
    Cancelled = 2,
}

public sealed class Activity
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public ActivityType Type { get; set; }
    /// <summary>"in" or "out".</summary>
    public string Direction { get; set; } = "out";
    public DateTimeOffset At { get; set; }
    public int DurationMinutes { get; set; }
    public required string Employee { get; set; }
    public Guid CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    public Guid? CaseId { get; set; }
    public required string Subject { get; set; }
    public string? Description { get; set; }
    public ActivityStatus Status { get; set; }
    /// <summary>The follow-up chain: the activity this one follows.</summary>
    public Guid? PreviousActivityId { get; set; }
}

public sealed class CrmNote
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    public Guid? ActivityId { get; set; }
    public Guid? CaseId { get; set; }
    /// <summary>The inbox task the note was written on (a process step of a case, a complaint ...).</summary>
    public Guid? TaskId { get; set; }
    public required string Text { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum CaseGroup
{
    Potential = 0,
    InProgress = 1,
    Closed = 2,
}

public enum CaseOutcome
{
    Open = 0,
    Won = 1,
    Lost = 2,
}

/// <summary>A case (sprawa): a sales opportunity or any piece of work, with its phase in the funnel.</summary>
[ModuleContract]
public sealed class CrmCase
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>SPR/2026/12: given when the case is created (cases made before numbers existed have none); mail finds its case by it.</summary>
    public string? Number { get; set; }
    public required string Title { get; set; }
    public CaseGroup Group { get; set; }
    public required string Phase { get; set; }
    /// <summary>The furthest sales phase reached (index into the phases; their count once won): what funnel conversion counts.</summary>
    public int ReachedPhase { get; set; }
    public required string Owner { get; set; }
    public Guid? CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    public decimal Value { get; set; }
    public string Currency { get; set; } = "PLN";
    /// <summary>0–100 %.</summary>
    public int Probability { get; set; }
    public DateOnly? ExpectedClose { get; set; }
    public CaseOutcome Outcome { get; set; }
    public string? LostReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public Guid? InstanceId { get; set; }
    /// <summary>The campaign the case came from (its source, for the campaign's results and ROI).</summary>
    public Guid? CampaignId { get; set; }
    public int Revision { get; set; }
}

internal sealed class CounterpartyConfiguration :
    IEntityTypeConfiguration<Counterparty>, IEntityTypeConfiguration<CounterpartyAddress>, IEntityTypeConfiguration<BankAccount>,
    IEntityTypeConfiguration<CounterpartyBlock>, IEntityTypeConfiguration<PreviousName>, IEntityTypeConfiguration<ContactPerson>, IEntityTypeConfiguration<PersonContact>,
    IEntityTypeConfiguration<Activity>, IEntityTypeConfiguration<CrmNote>, IEntityTypeConfiguration<CrmCase>
{
    /// <summary>The Npgsql provider's annotation for INCLUDE columns (the engine does not reference the provider; SQLite ignores it).</summary>
    private const string NpgsqlIndexInclude = "Npgsql:IndexInclude";

    public void Configure(EntityTypeBuilder<Counterparty> builder)
    {
        builder.ToTable("counterparties");
        builder.Property(c => c.Name).HasMaxLength(300);
        builder.Property(c => c.ShortName).HasMaxLength(100);
        builder.Property(c => c.SearchName).HasMaxLength(300);
        builder.Property(c => c.Nip).HasMaxLength(10);
        builder.Property(c => c.Regon).HasMaxLength(14);
        builder.Property(c => c.VatEu).HasMaxLength(20);
        builder.Property(c => c.Industry).HasMaxLength(100);
        builder.Property(c => c.Priority).HasMaxLength(30);
        builder.Property(c => c.Source).HasMaxLength(100);
        builder.Property(c => c.Classification).HasMaxLength(100);
        builder.Property(c => c.Categories).HasMaxLength(300);
        builder.Property(c => c.Region).HasMaxLength(100);
        builder.Property(c => c.Owner).HasMaxLength(100);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.CreatedBy).HasMaxLength(100);
        builder.Property(c => c.CreditLimit).HasPrecision(18, 2);
        builder.Property(c => c.Revision).IsConcurrencyToken();
        builder.HasIndex(c => c.Nip);
        builder.HasIndex(c => c.SearchName);
        builder.HasIndex(c => new { c.CreatedBy, c.CreatedAt });   // "recent" on the home page: what I created
        // The staff list is a UNION ALL of a region branch per group and an owner branch (CounterpartyAccess.Branches);
        // each branch walks one of these in (SearchName, Id) order. On PostgreSQL they also carry the columns the
        // list filters on (INCLUDE), so the walk is index-only: a name or category test skips rows without reading the table.
        builder.HasIndex(c => new { c.Region, c.SearchName, c.Id })
            .HasAnnotation(NpgsqlIndexInclude, new[] { nameof(Counterparty.Archived), nameof(Counterparty.Categories) });
        builder.HasIndex(c => new { c.Owner, c.SearchName, c.Id })
            .HasAnnotation(NpgsqlIndexInclude, new[] { nameof(Counterparty.Region), nameof(Counterparty.Archived), nameof(Counterparty.Categories) });
        builder.HasMany(c => c.Addresses).WithOne().HasForeignKey(a => a.CounterpartyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.BankAccounts).WithOne().HasForeignKey(a => a.CounterpartyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Blocks).WithOne().HasForeignKey(a => a.CounterpartyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.PreviousNames).WithOne().HasForeignKey(a => a.CounterpartyId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CounterpartyAddress> builder)
    {
        builder.ToTable("counterparty_addresses");
        builder.Property(a => a.Street).HasMaxLength(200);
        builder.Property(a => a.PostalCode).HasMaxLength(20);
        builder.Property(a => a.City).HasMaxLength(100);
        builder.Property(a => a.Country).HasMaxLength(2);
        builder.HasIndex(a => new { a.CounterpartyId, a.Kind, a.ValidFrom });
    }

    public void Configure(EntityTypeBuilder<BankAccount> builder)
    {
        builder.ToTable("bank_accounts");
        builder.Property(a => a.Iban).HasMaxLength(34);
        builder.Property(a => a.Bank).HasMaxLength(100);
        builder.Property(a => a.RetiredBy).HasMaxLength(100);
    }

    public void Configure(EntityTypeBuilder<CounterpartyBlock> builder)
    {
        builder.ToTable("counterparty_blocks");
        builder.Property(b => b.Reason).HasMaxLength(300);
        builder.Property(b => b.SetBy).HasMaxLength(100);
        builder.Property(b => b.LiftedBy).HasMaxLength(100);
        builder.Property(b => b.LiftReason).HasMaxLength(300);
    }

    public void Configure(EntityTypeBuilder<PreviousName> builder)
    {
        builder.ToTable("counterparty_previous_names");
        builder.Property(p => p.Name).HasMaxLength(300);
    }

    public void Configure(EntityTypeBuilder<ContactPerson> builder)
    {
        builder.ToTable("persons");
        builder.Property(p => p.FirstName).HasMaxLength(100);
        builder.Property(p => p.LastName).HasMaxLength(100);
        builder.Property(p => p.Position).HasMaxLength(100);
        builder.Property(p => p.Department).HasMaxLength(100);
        builder.Property(p => p.Email).HasMaxLength(320);
        builder.Property(p => p.Phone).HasMaxLength(50);
        builder.Property(p => p.ConsentSource).HasMaxLength(100);
        builder.Property(p => p.CreatedBy).HasMaxLength(100);
        builder.Property(p => p.Gender).HasMaxLength(20);
        builder.Property(p => p.Roles).HasMaxLength(300);
        builder.Property(p => p.Remarks).HasMaxLength(4000);
        builder.Property(p => p.PrivateAddress).HasMaxLength(500);
        builder.Property(p => p.NameDay).HasMaxLength(5);
        builder.Property(p => p.Anniversaries).HasMaxLength(1000);
        builder.Property(p => p.Family).HasMaxLength(1000);
        builder.Property(p => p.Hobbies).HasMaxLength(1000);
        builder.Property(p => p.Revision).IsConcurrencyToken();
        builder.HasOne<ContactPerson>().WithMany().HasForeignKey(p => p.SuperiorId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(p => p.Contacts).WithOne().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => new { p.LastName, p.FirstName });
        builder.HasOne<Counterparty>().WithMany().HasForeignKey(p => p.CounterpartyId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PersonContact> builder)
    {
        builder.ToTable("person_contacts");
        builder.Property(c => c.Kind).HasMaxLength(10);
        builder.Property(c => c.Value).HasMaxLength(320);
        builder.Property(c => c.Label).HasMaxLength(50);
    }

    public void Configure(EntityTypeBuilder<Activity> builder)
    {
        builder.ToTable("activities");
        builder.Property(a => a.Direction).HasMaxLength(3);
        builder.Property(a => a.Employee).HasMaxLength(100);
        builder.Property(a => a.Subject).HasMaxLength(300);
        builder.Property(a => a.Description).HasMaxLength(4000);
        builder.HasOne<Counterparty>().WithMany().HasForeignKey(a => a.CounterpartyId).OnDelete(DeleteBehavior.Cascade);
        // Status in the middle: "last done contact" per counterparty (a list column, filter and sort) is then one index-only
        // step per row instead of reading its activities; the timeline (all statuses by date) sorts a few rows.
        builder.HasIndex(a => new { a.CounterpartyId, a.Status, a.At });
        builder.HasIndex(a => new { a.Status, a.At });
        builder.HasIndex(a => new { a.Employee, a.At });   // my contacts: the home page's due and recent tiles
    }

    public void Configure(EntityTypeBuilder<CrmNote> builder)
    {
        builder.ToTable("notes");
        builder.Property(n => n.Text).HasMaxLength(8000);
        builder.Property(n => n.CreatedBy).HasMaxLength(100);
        builder.HasIndex(n => n.CounterpartyId);
        builder.HasIndex(n => n.CaseId);
        builder.HasIndex(n => n.PersonId);
        builder.HasIndex(n => n.ActivityId);
        builder.HasIndex(n => n.TaskId);
        builder.HasIndex(n => new { n.CreatedBy, n.CreatedAt });   // "recent" on the home page: what I wrote
    }

    public void Configure(EntityTypeBuilder<CrmCase> builder)
    {
        builder.ToTable("cases");
        builder.Property(c => c.Number).HasMaxLength(30);
        builder.HasIndex(c => c.Number).IsUnique();
        builder.Property(c => c.Title).HasMaxLength(300);
        builder.Property(c => c.Phase).HasMaxLength(100);
        builder.Property(c => c.Owner).HasMaxLength(100);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.LostReason).HasMaxLength(500);
        builder.Property(c => c.Value).HasPrecision(18, 2);
        builder.Property(c => c.Revision).IsConcurrencyToken();
        builder.HasIndex(c => new { c.Group, c.Phase });
        builder.HasIndex(c => c.CounterpartyId);
        builder.HasIndex(c => c.CampaignId);
    }
}
