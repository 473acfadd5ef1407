using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Marketing.Campaigns;

[JsonConverter(typeof(JsonStringEnumConverter<CampaignStatus>))]
public enum CampaignStatus
{
    Draft = 0,
    /// <summary>Budget approved, the process runs its actions for each member.</summary>
    Running = 1,
    Closed = 2,
    Cancelled = 3,
}

/// <summary>Where a member stands; a member only moves forward (opting out ends it).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberState>))]
public enum MemberState
{
    Targeted = 0,
    Contacted = 1,
    Responded = 2,
    Converted = 3,
    OptedOut = 4,
}

/// <summary>A campaign or marketing project (M1): goal, budget, dates, owner and team, a target list and planned actions.</summary>
public sealed class Campaign
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Goal { get; set; }
    /// <summary>mailing, event, telemarketing, trade-fair, online, other.</summary>
    public required string Type { get; set; }
    public CampaignStatus Status { get; set; }
    public decimal Budget { get; set; }
    public string Currency { get; set; } = "PLN";
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public required string Owner { get; set; }
    /// <summary>User names, comma-separated: they see and work the campaign with its owner.</summary>
    public string? Team { get; set; }
    /// <summary>Days the process waits for a member's response after contacting them.</summary>
    public int ResponseDays { get; set; } = 14;
    public Guid? InstanceId { get; set; }
    /// <summary>The campaign's documents (briefs, offers, artwork): a folder of its own under "Kampanie", open to its people.</summary>
    public Guid? FolderId { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? Evaluation { get; set; }
    public int Revision { get; set; }
}

/// <summary>A planned or actual cost line; planned ones make the budget's breakdown, actual ones the cost in ROI.</summary>
public sealed class CampaignCost
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CampaignId { get; set; }
    public bool Actual { get; set; }
    public required string Description { get; set; }
    public decimal Amount { get; set; }
    public DateOnly On { get; set; }
    public required string By { get; set; }
}

/// <summary>One target of the campaign: a company, or a person of it; unique per campaign.</summary>
public sealed class CampaignMember
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CampaignId { get; set; }
    public Guid CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    /// <summary>"{company}:{person or -}": unique per campaign (a nullable column in a unique index differs between the databases).</summary>
    public required string MemberKey { get; set; }
    public MemberState State { get; set; }
    /// <summary>How it came onto the list: filter, category, import, survey, manual, process.</summary>
    public required string Source { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public DateTimeOffset StateAt { get; set; }
    public string? Note { get; set; }
    public Guid? CaseId { get; set; }
    /// <summary>The member's number (1..n) in the list the process runs, given at launch.</summary>
    public int? Sequence { get; set; }

    public static string KeyOf(Guid counterpartyId, Guid? personId) => $"{counterpartyId:N}:{(personId is { } p ? p.ToString("N") : "-")}";
}

[JsonConverter(typeof(JsonStringEnumConverter<ActionKind>))]
public enum ActionKind
{
    Mailing = 0,
    Call = 1,
    Meeting = 2,
    Survey = 3,
}

/// <summary>A planned action: the process turns it into work per member (a mailing sent, a call or meeting task for the member's owner).</summary>
public sealed class CampaignAction
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CampaignId { get; set; }
    public ActionKind Kind { get; set; }
    public required string Title { get; set; }
    public string? Instructions { get; set; }
    public DateOnly? DueOn { get; set; }
    /// <summary>The mailing an action of kind Mailing sends; the survey a Survey action asks.</summary>
    public Guid? MailingId { get; set; }
    public Guid? SurveyId { get; set; }
    public int Order { get; set; }
}

internal sealed class CampaignConfiguration :
    IEntityTypeConfiguration<Campaign>, IEntityTypeConfiguration<CampaignCost>, IEntityTypeConfiguration<CampaignMember>, IEntityTypeConfiguration<CampaignAction>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("campaigns");
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Goal).HasMaxLength(2000);
        builder.Property(c => c.Type).HasMaxLength(40);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.Owner).HasMaxLength(100);
        builder.Property(c => c.Team).HasMaxLength(1000);
        builder.Property(c => c.CreatedBy).HasMaxLength(100);
        builder.Property(c => c.Evaluation).HasMaxLength(4000);
        builder.Property(c => c.Budget).HasPrecision(18, 2);
        builder.Property(c => c.Revision).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<CampaignCost> builder)
    {
        builder.ToTable("campaign_costs");
        builder.Property(c => c.Description).HasMaxLength(500);
        builder.Property(c => c.By).HasMaxLength(100);
        builder.Property(c => c.Amount).HasPrecision(18, 2);
        builder.HasIndex(c => c.CampaignId);
    }

    public void Configure(EntityTypeBuilder<CampaignMember> builder)
    {
        builder.ToTable("campaign_members");
        builder.Property(m => m.MemberKey).HasMaxLength(80);
        builder.Property(m => m.Source).HasMaxLength(40);
        builder.Property(m => m.Note).HasMaxLength(1000);
        builder.HasIndex(m => new { m.CampaignId, m.MemberKey }).IsUnique();
        builder.HasIndex(m => new { m.CampaignId, m.State });
        builder.HasIndex(m => m.CounterpartyId);
        builder.HasIndex(m => new { m.CampaignId, m.Sequence });
    }

    public void Configure(EntityTypeBuilder<CampaignAction> builder)
    {
        builder.ToTable("campaign_actions");
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.Instructions).HasMaxLength(4000);
        builder.HasIndex(a => a.CampaignId);
    }
}
