using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>Surveys in the audit trail: questions and templates added or changed, surveys opened and closed, responses entered (by whom, which channel).</summary>
internal sealed class SurveyAuditRule : IAuditRule
{
    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        SurveyQuestion q when entry.State is EntityState.Added or EntityState.Modified =>
            Audited.Row(AuditActor.Or(q.CreatedBy), entry.State == EntityState.Added ? "survey.question-added" : "survey.question-changed", "survey-question", q.Id.ToString(), now, null,
                new { q.Text, Kind = q.Kind.ToString(), q.Active }),
        SurveyTemplate t when entry.State is EntityState.Added or EntityState.Modified =>
            Audited.Row(AuditActor.Or(t.CreatedBy), entry.State == EntityState.Added ? "survey.template-added" : "survey.template-changed", "survey-template", t.Id.ToString(), now, null,
                new { t.Name, t.Revision }),
        Survey s when entry.State == EntityState.Added =>
            Audited.Row(AuditActor.Or(s.CreatedBy), "survey.created", "survey", s.Id.ToString(), now, null, new { s.Title, s.TemplateId, s.CampaignId }),
        Survey s when entry.State == EntityState.Modified =>
            Audited.Row(AuditActor.Or("system"), s.Closed ? "survey.closed" : "survey.reopened", "survey", s.Id.ToString(), now, null, null),
        SurveyResponse r when entry.State is EntityState.Added or EntityState.Modified =>
            Audited.Row(AuditActor.Or(r.AnsweredBy), entry.State == EntityState.Added ? "survey.answered" : "survey.answer-replaced", "survey", r.SurveyId.ToString(), now, null,
                new { r.Channel, r.CounterpartyId, r.PersonId }),
        _ => null,
    };
}
