using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>How a question is answered.</summary>
public enum QuestionKind
{
    SingleChoice = 0,
    MultipleChoice = 1,
    /// <summary>A whole number from <see cref="SurveyQuestion.Min"/> to <see cref="SurveyQuestion.Max"/>.</summary>
    Scale = 2,
    /// <summary>Any number, within the optional bounds.</summary>
    Number = 3,
    Date = 4,
    OpenText = 5,
}

/// <summary>A survey type (satisfaction, market research …): the question bank is grouped by it.</summary>
public sealed class SurveyType
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public bool Active { get; set; } = true;
}

/// <summary>A question of the bank. Choice questions take their answers from <see cref="Choices"/> or a CRM dictionary.</summary>
public sealed class SurveyQuestion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TypeId { get; set; }
    public required string Text { get; set; }
    public QuestionKind Kind { get; set; }
    /// <summary>The answer list, one answer a line (choice questions without a dictionary).</summary>
    public string? Choices { get; set; }
    /// <summary>A CRM dictionary (industry, category …) whose active values are the answers.</summary>
    public string? Dictionary { get; set; }
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    public bool Active { get; set; } = true;
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<string> ChoiceList() =>
        [.. (Choices ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

/// <summary>A survey template: questions of the bank in order, each required or not.</summary>
public sealed class SurveyTemplate
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TypeId { get; set; }
    public required string Name { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Revision { get; set; }
}

public sealed class SurveyTemplateQuestion
{
    public Guid TemplateId { get; set; }
    public Guid QuestionId { get; set; }
    public int Order { get; set; }
    public bool Required { get; set; }
}

/// <summary>A survey run (a sending): a template asked of people, optionally within a campaign (the id only).</summary>
public sealed class Survey
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TemplateId { get; set; }
    public required string Title { get; set; }
    public Guid? CampaignId { get; set; }
    public bool Closed { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One person's (or company's) answers to a survey; answering again replaces the answers.</summary>
public sealed class SurveyResponse
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SurveyId { get; set; }
    public Guid? CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    /// <summary>staff or link.</summary>
    public required string Channel { get; set; }
    /// <summary>The staff member who entered it, or "link".</summary>
    public required string AnsweredBy { get; set; }
    public DateTimeOffset AnsweredAt { get; set; }
}

/// <summary>One value of an answer (a multiple-choice answer has one row per chosen value).</summary>
public sealed class SurveyAnswer
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ResponseId { get; set; }
    public Guid QuestionId { get; set; }
    /// <summary>The value as text: the choice, the number (invariant), the date (yyyy-MM-dd), the open answer.</summary>
    public required string Value { get; set; }
    /// <summary>Scale and number answers; dates as their day number, so &gt;= and &lt;= work the same way.</summary>
    public double? Number { get; set; }
}

internal sealed class SurveyConfiguration : IEntityTypeConfiguration<SurveyType>, IEntityTypeConfiguration<SurveyQuestion>, IEntityTypeConfiguration<SurveyTemplate>,
    IEntityTypeConfiguration<SurveyTemplateQuestion>, IEntityTypeConfiguration<Survey>, IEntityTypeConfiguration<SurveyResponse>, IEntityTypeConfiguration<SurveyAnswer>
{
    public void Configure(EntityTypeBuilder<SurveyType> builder)
    {
        builder.ToTable("survey_types");
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.HasIndex(t => t.Name).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SurveyQuestion> builder)
    {
        builder.ToTable("survey_questions");
        builder.Property(q => q.Text).HasMaxLength(500);
        builder.Property(q => q.Choices).HasMaxLength(4000);
        builder.Property(q => q.Dictionary).HasMaxLength(60);
        builder.Property(q => q.Min).HasPrecision(18, 4);
        builder.Property(q => q.Max).HasPrecision(18, 4);
        builder.Property(q => q.CreatedBy).HasMaxLength(100);
        builder.HasIndex(q => new { q.TypeId, q.Active });
        builder.HasOne<SurveyType>().WithMany().HasForeignKey(q => q.TypeId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<SurveyTemplate> builder)
    {
        builder.ToTable("survey_templates");
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.CreatedBy).HasMaxLength(100);
        builder.Property(t => t.Revision).IsConcurrencyToken();
        builder.HasOne<SurveyType>().WithMany().HasForeignKey(t => t.TypeId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<SurveyTemplateQuestion> builder)
    {
        builder.ToTable("survey_template_questions");
        builder.HasKey(q => new { q.TemplateId, q.QuestionId });
        builder.HasOne<SurveyTemplate>().WithMany().HasForeignKey(q => q.TemplateId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SurveyQuestion>().WithMany().HasForeignKey(q => q.QuestionId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Survey> builder)
    {
        builder.ToTable("surveys");
        builder.Property(s => s.Title).HasMaxLength(200);
        builder.Property(s => s.CreatedBy).HasMaxLength(100);
        builder.HasIndex(s => s.CampaignId);
        builder.HasOne<SurveyTemplate>().WithMany().HasForeignKey(s => s.TemplateId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<SurveyResponse> builder)
    {
        builder.ToTable("survey_responses");
        builder.Property(r => r.Channel).HasMaxLength(10);
        builder.Property(r => r.AnsweredBy).HasMaxLength(100);
        // One response per person per survey (NULLs are distinct on both databases: company-only responses are checked in code).
        builder.HasIndex(r => new { r.SurveyId, r.PersonId }).IsUnique();
        builder.HasIndex(r => new { r.SurveyId, r.CounterpartyId });
        builder.HasOne<Survey>().WithMany().HasForeignKey(r => r.SurveyId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<SurveyAnswer> builder)
    {
        builder.ToTable("survey_answers");
        builder.Property(a => a.Value).HasMaxLength(4000);
        builder.HasIndex(a => new { a.QuestionId, a.ResponseId });
        builder.HasIndex(a => a.ResponseId);
        builder.HasOne<SurveyResponse>().WithMany().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
    }
}
