using System.Globalization;
using Crm.Platform.Access;
using Crm.Platform.Audit;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Surveys;

public sealed record AnswerCount(string Value, int Count, double Percent);

/// <summary>
/// One question's answers: how many answered it, the count and share of each answer (of those who answered; a
/// multiple-choice question's shares add up to more than 100 %), average, lowest and highest for scale and number,
/// the latest texts for open questions.
/// </summary>
public sealed record QuestionAnalysis(Guid QuestionId, int Order, string Text, QuestionKind Kind, int Answered, IReadOnlyList<AnswerCount> Counts,
    double? Average, double? Lowest, double? Highest, IReadOnlyList<string> Texts);

/// <summary><see cref="Responses"/> counts what the caller may see, <see cref="AllResponses"/> every response.</summary>
public sealed record SurveyAnalysisView(Guid SurveyId, string Title, int Responses, int AllResponses, IReadOnlyList<QuestionAnalysis> Questions);

/// <summary>Answer distributions of a survey over the responses the caller may see, on screen and as .xlsx.</summary>
public sealed class SurveyAnalysis(CrmDbContext db, SurveyRights rights, SurveyRuns runs, TimeProvider clock)
{
    private const int ShownValues = 30;

    public async Task<SurveyAnalysisView> AnalyseAsync(Guid surveyId, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        var survey = await runs.ViewAsync(surveyId, ct);
        var visible = rights.VisibleResponses(surveyId, user);
        var answers = db.SurveyAnswers.AsNoTracking().Where(a => visible.Any(r => r.Id == a.ResponseId));
        var counts = await answers.GroupBy(a => new { a.QuestionId, a.Value }).Select(g => new { g.Key.QuestionId, g.Key.Value, Count = g.Count() }).ToListAsync(ct);
        var answered = await answers.Select(a => new { a.QuestionId, a.ResponseId }).Distinct().GroupBy(a => a.QuestionId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var openIds = survey.Template.Questions.Where(q => q.Kind == QuestionKind.OpenText).Select(q => q.Id).ToList();
        var texts = await (from a in answers
                           join r in db.SurveyResponses.AsNoTracking() on a.ResponseId equals r.Id
                           where openIds.Contains(a.QuestionId)
                           orderby r.AnsweredAt descending
                           select new { a.QuestionId, a.Value }).Take(500).ToListAsync(ct);
        var questions = survey.Template.Questions.Select(q =>
        {
            var own = counts.Where(c => c.QuestionId == q.Id).ToDictionary(c => c.Value, c => c.Count, StringComparer.Ordinal);
            return Question(q, answered.GetValueOrDefault(q.Id), own, [.. texts.Where(t => t.QuestionId == q.Id).Select(t => t.Value).Take(ShownValues)]);
        }).ToList();
        return new SurveyAnalysisView(survey.Id, survey.Title, await visible.CountAsync(ct), await db.SurveyResponses.CountAsync(r => r.SurveyId == surveyId, ct), questions);
    }

    /// <summary>The distributions as an .xlsx sheet (question, answer, count, percent; average rows for scale and number); needs the export right and is audited.</summary>
    public async Task<byte[]> ExportAsync(Guid surveyId, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Export);
        var analysis = await AnalyseAsync(surveyId, user, ct);
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var q in analysis.Questions)
        {
            rows.AddRange(q.Counts.Select(c => (IReadOnlyList<object?>)[q.Order, q.Text, c.Value, c.Count, Math.Round(c.Percent, 1), q.Answered]));
            if (q.Average is { } average)
            {
                rows.Add([q.Order, q.Text, "average", null, Math.Round(average, 2), q.Answered]);
            }

            rows.AddRange(q.Texts.Select(t => (IReadOnlyList<object?>)[q.Order, q.Text, t, 1, null, q.Answered]));
        }

        Audited.Export(db, user.UserName, "survey-analysis", surveyId.ToString(), new { analysis.Responses }, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return ExcelWriter.Write("Survey", ["No.", "Question", "Answer", "Count", "Percent / average", "Answered"], rows);
    }

    private static QuestionAnalysis Question(FormQuestion q, int answered, Dictionary<string, int> counts, IReadOnlyList<string> texts)
    {
        double Percent(int count) => answered == 0 ? 0 : 100.0 * count / answered;
        switch (q.Kind)
        {
            case QuestionKind.SingleChoice:
            case QuestionKind.MultipleChoice:
                // The listed answers in their order (unchosen ones with 0), then values no longer listed.
                var values = q.Choices.Concat(counts.Keys.Where(k => !q.Choices.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal));
                return new(q.Id, q.Order, q.Text, q.Kind, answered, [.. values.Select(v => new AnswerCount(v, counts.GetValueOrDefault(v), Percent(counts.GetValueOrDefault(v))))],
                    null, null, null, []);
            case QuestionKind.Scale:
            case QuestionKind.Number:
                var numbers = counts.Select(c => (Number: SurveyAnswerRules.TryNumber(c.Key, out var n) ? (double)n : double.NaN, c.Value)).Where(c => !double.IsNaN(c.Number)).ToList();
                var total = numbers.Sum(n => n.Value);
                IEnumerable<string> points = q.Kind == QuestionKind.Scale && q.Min is { } min && q.Max is { } max
                    ? Enumerable.Range((int)min, (int)(max - min) + 1).Select(p => p.ToString(CultureInfo.InvariantCulture))
                    : numbers.OrderByDescending(n => n.Value).Take(ShownValues).OrderBy(n => n.Number).Select(n => n.Number.ToString(CultureInfo.InvariantCulture));
                return new(q.Id, q.Order, q.Text, q.Kind, answered, [.. points.Select(p => new AnswerCount(p, counts.GetValueOrDefault(p), Percent(counts.GetValueOrDefault(p))))],
                    total == 0 ? null : numbers.Sum(n => n.Number * n.Value) / total, total == 0 ? null : numbers.Min(n => n.Number), total == 0 ? null : numbers.Max(n => n.Number), []);
            case QuestionKind.Date:
                return new(q.Id, q.Order, q.Text, q.Kind, answered,
                    [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Take(ShownValues).Select(c => new AnswerCount(c.Key, c.Value, Percent(c.Value)))], null, null, null, []);
            default:
                return new(q.Id, q.Order, q.Text, q.Kind, answered, [], null, null, null, texts);
        }
    }
}
