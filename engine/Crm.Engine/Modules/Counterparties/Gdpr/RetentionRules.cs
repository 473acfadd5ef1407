using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Counterparties.Gdpr;

/// <summary>How long data of a kind is kept without use before the product proposes its erasure (persons: years without an activity).</summary>
public sealed class RetentionRule
{
    public required string ObjectType { get; set; }
    public int Years { get; set; }
    public string? ChangedBy { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}

public sealed record RetentionRuleInput(int? Years);

public sealed record RetentionProposal(Guid PersonId, string Name, string? Company, DateTimeOffset CreatedAt, DateTimeOffset? LastActivity);

internal sealed class RetentionRuleConfiguration : IEntityTypeConfiguration<RetentionRule>
{
    public void Configure(EntityTypeBuilder<RetentionRule> builder)
    {
        builder.ToTable("gdpr_retention_rules");
        builder.HasKey(r => r.ObjectType);
        builder.Property(r => r.ObjectType).HasMaxLength(40);
        builder.Property(r => r.ChangedBy).HasMaxLength(100);
    }
}

/// <summary>
/// Retention rules that propose erasures: an admin sets after how many years without an activity a contact person is
/// proposed; compliance and admins see the proposals and ask for each erasure (which then goes through the four-eyes
/// process). Nothing is erased by the rule itself.
/// </summary>
public sealed class RetentionRules(CrmDbContext db, TimeProvider clock)
{
    public const string Persons = "person";

    public async Task<int?> YearsAsync(CancellationToken cancellationToken) =>
        await db.Set<RetentionRule>().AsNoTracking().Where(r => r.ObjectType == Persons).Select(r => (int?)r.Years).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Sets (or with null removes) the persons' rule; admins only.</summary>
    public async Task SetAsync(RetentionRuleInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only administrators set retention rules.");
        }

        if (input.Years is < 1 or > 50)
        {
            throw ValidationFailedException.For("years", "Give 1 to 50 years, or nothing to propose no erasures.");
        }

        var rule = await db.Set<RetentionRule>().SingleOrDefaultAsync(r => r.ObjectType == Persons, cancellationToken);
        if (input.Years is not { } years)
        {
            if (rule is not null)
            {
                db.Remove(rule);
            }
        }
        else if (rule is null)
        {
            db.Add(new RetentionRule { ObjectType = Persons, Years = years, ChangedBy = user.UserName, ChangedAt = clock.GetUtcNow() });
        }
        else
        {
            (rule.Years, rule.ChangedBy, rule.ChangedAt) = (years, user.UserName, clock.GetUtcNow());
        }

        db.AuditLog.Add(Crm.Platform.Audit.Audited.Row(user.UserName, "gdpr.retention-set", "retention", Persons, clock.GetUtcNow(), null, new { years = input.Years }));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Persons created before the limit with no activity since, not erased or awaiting erasure (the oldest first, at most 200).</summary>
    public async Task<List<RetentionProposal>> ProposalsAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsAdmin && !user.Roles.Contains(Roles.Compliance))
        {
            throw new ForbiddenException("Only compliance officers and admins see erasure proposals.");
        }

        if (await YearsAsync(cancellationToken) is not { } years)
        {
            return [];
        }

        var limit = clock.GetUtcNow().AddYears(-years);
        var requested = db.Set<ErasureRequest>().Where(r => r.Status != ErasureStatus.Rejected).Select(r => r.PersonId);
        var rows = await db.Persons.AsNoTracking()
            .Where(p => p.CreatedAt < limit && !requested.Contains(p.Id) && !db.Activities.Any(a => a.PersonId == p.Id && a.At >= limit))
            .OrderBy(p => p.CreatedAt).Take(200)
            .Select(p => new
            {
                p.Id, Name = p.FirstName + " " + p.LastName, Company = db.Counterparties.Where(c => c.Id == p.CounterpartyId).Select(c => c.Name).FirstOrDefault(), p.CreatedAt,
                Last = db.Activities.Where(a => a.PersonId == p.Id).Max(a => (DateTimeOffset?)a.At),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RetentionProposal(r.Id, r.Name, r.Company, r.CreatedAt, r.Last))];
    }
}
