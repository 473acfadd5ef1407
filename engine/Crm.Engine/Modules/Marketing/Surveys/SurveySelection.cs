using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>
/// One condition on the answers to one question. <see cref="Operator"/>: eq (the answer is, or for multiple choice
/// includes, <see cref="Values"/>[0]), any (one of the values), gte and lte (scale, number and date answers against
/// <see cref="Values"/>[0]).
/// </summary>
[ModuleContract]
public sealed record AnswerCriterion(Guid QuestionId, string Operator, IReadOnlyList<string> Values);

/// <summary>Who answered so: the company (null for a person without one) and the person (null for a company's response).</summary>
[ModuleContract]
public sealed record SurveySelectedMember(Guid? CounterpartyId, Guid? PersonId);

/// <summary>A selected member with names, for the analysis page and the API.</summary>
public sealed record SelectedRespondent(Guid? CounterpartyId, string? CounterpartyName, Guid? PersonId, string? PersonName);

/// <summary>
/// "Select counterparties by answers": the respondents of a survey whose answers meet every criterion (AND), only
/// among the responses the caller may see. Campaigns use <see cref="SelectAsync"/> to build a target list.
/// </summary>
[ModuleContract]
public sealed class SurveySelection(CrmDbContext db, SurveyRights rights, SurveyRuns runs)
{
    public static readonly IReadOnlyList<string> Operators = ["eq", "any", "gte", "lte"];

    public async Task<IReadOnlyList<SurveySelectedMember>> SelectAsync(Guid surveyId, IReadOnlyList<AnswerCriterion> criteria, CurrentUser user, CancellationToken ct) =>
        await (await MatchingAsync(surveyId, criteria, user, ct)).OrderBy(r => r.CounterpartyId).ThenBy(r => r.PersonId)
            .Select(r => new SurveySelectedMember(r.CounterpartyId, r.PersonId)).ToListAsync(ct);

    /// <summary>The same selection with company and person names, companies first by name (at most 5000).</summary>
    public async Task<IReadOnlyList<SelectedRespondent>> SelectWithNamesAsync(Guid surveyId, IReadOnlyList<AnswerCriterion> criteria, CurrentUser user, CancellationToken ct)
    {
        var matching = await MatchingAsync(surveyId, criteria, user, ct);
        return await (from r in matching
                      join c in db.Counterparties.AsNoTracking() on r.CounterpartyId equals c.Id into cs
                      from c in cs.DefaultIfEmpty()
                      join p in db.Persons.AsNoTracking() on r.PersonId equals p.Id into ps
                      from p in ps.DefaultIfEmpty()
                      orderby c == null ? "" : c.Name, p == null ? "" : p.LastName
                      select new SelectedRespondent(r.CounterpartyId, c == null ? null : c.Name, r.PersonId, p == null ? null : p.FirstName + " " + p.LastName))
            .Take(5000).ToListAsync(ct);
    }

    private async Task<IQueryable<SurveyResponse>> MatchingAsync(Guid surveyId, IReadOnlyList<AnswerCriterion> criteria, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        var questions = (await runs.ViewAsync(surveyId, ct)).Template.Questions.ToDictionary(q => q.Id);
        var responses = rights.VisibleResponses(surveyId, user).AsNoTracking();
        var answers = db.SurveyAnswers.AsNoTracking();
        for (var i = 0; i < criteria.Count; i++)
        {
            var criterion = criteria[i];
            var key = $"criteria[{i}]";
            if (!questions.TryGetValue(criterion.QuestionId, out var question))
            {
                throw ValidationFailedException.For(key, "The question is not in this survey.");
            }

            var values = (criterion.Values ?? []).Select(v => SurveyAnswerRules.Normal(question.Kind, v?.Trim() ?? "")).Where(v => v.Length > 0).ToList();
            var op = criterion.Operator?.Trim().ToLowerInvariant();
            if (!Operators.Contains(op) || values.Count == 0 || (op != "any" && values.Count > 1))
            {
                throw ValidationFailedException.For(key, $"{question.Order}. {question.Text}: give an operator (eq, any, gte, lte) and its value (several only for any).");
            }

            var id = question.Id;
            if (op is "gte" or "lte")
            {
                if (SurveyAnswerRules.NumberOf(question.Kind, values[0]) is not { } bound)
                {
                    throw ValidationFailedException.For(key, $"{question.Order}. {question.Text}: >= and <= compare numbers, scale points and dates (yyyy-mm-dd).");
                }

                responses = op == "gte"
                    ? responses.Where(r => answers.Any(a => a.ResponseId == r.Id && a.QuestionId == id && a.Number >= bound))
                    : responses.Where(r => answers.Any(a => a.ResponseId == r.Id && a.QuestionId == id && a.Number <= bound));
            }
            else
            {
                responses = responses.Where(r => answers.Any(a => a.ResponseId == r.Id && a.QuestionId == id && values.Contains(a.Value)));
            }
        }

        return responses;
    }
}
