using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Surveys;

public sealed record TemplateQuestionRequest(Guid QuestionId, bool Required);

public sealed record TemplateRequest(Guid? TypeId, string? Name, IReadOnlyList<TemplateQuestionRequest>? Questions, int? Revision = null);

public sealed record TemplateListItem(Guid Id, Guid TypeId, string Name, int Questions);

/// <summary>A template's question as the form shows it: the answers it offers (a CRM dictionary's resolved), required or not.</summary>
public sealed record FormQuestion(Guid Id, int Order, string Text, QuestionKind Kind, bool Required, IReadOnlyList<string> Choices, decimal? Min, decimal? Max);

public sealed record TemplateView(Guid Id, Guid TypeId, string Name, int Revision, IReadOnlyList<FormQuestion> Questions);

/// <summary>Survey templates: questions of the bank in the order given, each required or not.</summary>
public sealed class SurveyTemplates(CrmDbContext db, SurveyRights rights, ISurveyDictionaries dictionaries, TimeProvider clock)
{
    public async Task<IReadOnlyList<TemplateListItem>> ListAsync(CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        return await db.SurveyTemplates.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TemplateListItem(t.Id, t.TypeId, t.Name, db.SurveyTemplateQuestions.Count(q => q.TemplateId == t.Id))).ToListAsync(ct);
    }

    public async Task<TemplateView> GetAsync(Guid id, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        return await FormAsync(id, ct);
    }

    public async Task<TemplateView> CreateAsync(TemplateRequest request, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Create);
        var template = new SurveyTemplate { Name = "", CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        await ApplyAsync(template, request, ct);
        db.SurveyTemplates.Add(template);
        await db.SaveChangesAsync(ct);
        return await FormAsync(template.Id, ct);
    }

    /// <summary>Replaces name and questions; the revision read with the template must match (409).</summary>
    public async Task<TemplateView> UpdateAsync(Guid id, TemplateRequest request, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Edit);
        var template = await db.SurveyTemplates.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException($"Template {id} does not exist.");
        if (request.Revision is { } revision && revision != template.Revision)
        {
            throw new ConflictException("Someone changed the template meanwhile; reload it.");
        }

        await ApplyAsync(template, request, ct);
        template.Revision++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone changed the template meanwhile; reload it.");
        }

        return await FormAsync(id, ct);
    }

    /// <summary>The template as a form: its questions in order, dictionary answers read now.</summary>
    internal async Task<TemplateView> FormAsync(Guid id, CancellationToken ct)
    {
        var template = await db.SurveyTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException($"Template {id} does not exist.");
        var rows = await (from tq in db.SurveyTemplateQuestions.AsNoTracking()
                          join q in db.SurveyQuestions.AsNoTracking() on tq.QuestionId equals q.Id
                          where tq.TemplateId == id
                          orderby tq.Order
                          select new { tq.Order, tq.Required, Question = q }).ToListAsync(ct);
        var questions = new List<FormQuestion>(rows.Count);
        foreach (var row in rows)
        {
            var q = row.Question;
            var choices = q.Dictionary is { } dictionary ? await dictionaries.ValuesAsync(dictionary, ct) : q.ChoiceList();
            questions.Add(new FormQuestion(q.Id, row.Order, q.Text, q.Kind, row.Required, choices, q.Min, q.Max));
        }

        return new TemplateView(template.Id, template.TypeId, template.Name, template.Revision, questions);
    }

    private async Task ApplyAsync(SurveyTemplate template, TemplateRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            errors["name"] = ["Give the template a name (at most 200 characters)."];
        }

        if (request.TypeId is not { } typeId || !await db.SurveyTypes.AnyAsync(t => t.Id == typeId, ct))
        {
            errors["typeId"] = ["Choose the survey type."];
        }

        var asked = request.Questions ?? [];
        var ids = asked.Select(q => q.QuestionId).ToList();
        var known = await db.SurveyQuestions.Where(q => ids.Contains(q.Id)).Select(q => q.Id).ToListAsync(ct);
        if (asked.Count == 0)
        {
            errors["questions"] = ["Add at least one question."];
        }
        else if (ids.Distinct().Count() != ids.Count)
        {
            errors["questions"] = ["A question appears twice."];
        }
        else if (ids.Except(known).Any())
        {
            errors["questions"] = ["A question is not in the bank."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        template.Name = name;
        template.TypeId = request.TypeId!.Value;
        // Rows kept are updated in place (a removed and re-added key cannot be tracked twice).
        var existing = await db.SurveyTemplateQuestions.Where(q => q.TemplateId == template.Id).ToDictionaryAsync(q => q.QuestionId, ct);
        db.SurveyTemplateQuestions.RemoveRange(existing.Values.Where(q => !ids.Contains(q.QuestionId)));
        for (var i = 0; i < asked.Count; i++)
        {
            if (!existing.TryGetValue(asked[i].QuestionId, out var row))
            {
                row = new SurveyTemplateQuestion { TemplateId = template.Id, QuestionId = asked[i].QuestionId };
                db.SurveyTemplateQuestions.Add(row);
            }

            row.Order = i + 1;
            row.Required = asked[i].Required;
        }
    }
}
