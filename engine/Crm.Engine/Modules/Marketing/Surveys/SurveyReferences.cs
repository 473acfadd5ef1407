using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>Survey responses follow their company when it is merged into another.</summary>
internal sealed class SurveyCounterpartyReferences(CrmDbContext db) : ICounterpartyReferences
{
    public string Name => "surveyResponses";

    public async Task<int> MoveAsync(Guid fromId, Guid toId, CancellationToken cancellationToken)
    {
        var rows = await db.SurveyResponses.Where(r => r.CounterpartyId == fromId).ToListAsync(cancellationToken);
        rows.ForEach(r => r.CounterpartyId = toId);
        return rows.Count;
    }
}

/// <summary>A person's survey answers for their GDPR export.</summary>
internal sealed class SurveyPersonData(CrmDbContext db) : IPersonDataSource
{
    public string Name => "surveys";

    public async Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken)
    {
        var rows = await (from r in db.SurveyResponses.AsNoTracking()
                          join s in db.Surveys.AsNoTracking() on r.SurveyId equals s.Id
                          join a in db.SurveyAnswers.AsNoTracking() on r.Id equals a.ResponseId
                          join q in db.SurveyQuestions.AsNoTracking() on a.QuestionId equals q.Id
                          where r.PersonId == personId
                          select new { s.Title, r.AnsweredAt, r.Channel, Question = q.Text, a.Value }).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.AnsweredAt).Select(r => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["survey"] = r.Title, ["answeredAt"] = r.AnsweredAt.ToString("u", CultureInfo.InvariantCulture), ["channel"] = r.Channel, ["question"] = r.Question, ["answer"] = r.Value,
        })];
    }
}
