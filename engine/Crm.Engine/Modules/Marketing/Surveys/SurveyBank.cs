using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Surveys;

public sealed record SurveyTypeView(Guid Id, string Name);

public sealed record QuestionRequest(Guid? TypeId, string? Text, string? Kind, IReadOnlyList<string>? Choices, string? Dictionary, decimal? Min, decimal? Max);

public sealed record QuestionView(Guid Id, Guid TypeId, string Text, QuestionKind Kind, IReadOnlyList<string> Choices, string? Dictionary, decimal? Min, decimal? Max, bool Active);

/// <summary>
/// The question bank, grouped by survey type: types, questions (single and multiple choice from an answer list or a CRM
/// dictionary, scale, number, date, open text). Reading needs the read right on surveys, adding the create right,
/// changing the edit right.
/// </summary>
public sealed class SurveyBank(CrmDbContext db, SurveyRights rights, ISurveyDictionaries dictionaries, TimeProvider clock)
{
    public async Task<IReadOnlyList<SurveyTypeView>> TypesAsync(CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        return await db.SurveyTypes.AsNoTracking().Where(t => t.Active).OrderBy(t => t.Name).Select(t => new SurveyTypeView(t.Id, t.Name)).ToListAsync(ct);
    }

    public async Task<SurveyTypeView> AddTypeAsync(string? name, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Create);
        var text = name?.Trim() ?? "";
        if (text.Length is 0 or > 100)
        {
            throw ValidationFailedException.For("name", "Give the survey type a name (at most 100 characters).");
        }

        if (await db.SurveyTypes.AnyAsync(t => t.Name == text, ct))
        {
            throw ValidationFailedException.For("name", $"The survey type '{text}' exists already.");
        }

        var type = new SurveyType { Name = text };
        db.SurveyTypes.Add(type);
        await db.SaveChangesAsync(ct);
        return new SurveyTypeView(type.Id, type.Name);
    }

    public async Task<IReadOnlyList<QuestionView>> QuestionsAsync(Guid? typeId, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        var query = db.SurveyQuestions.AsNoTracking().Where(q => q.Active);
        if (typeId is { } type)
        {
            query = query.Where(q => q.TypeId == type);
        }

        return [.. (await query.OrderBy(q => q.CreatedAt).ToListAsync(ct)).Select(View)];
    }

    public async Task<QuestionView> AddQuestionAsync(QuestionRequest request, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Create);
        var question = new SurveyQuestion { Text = "", CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        await ApplyAsync(question, request, ct);
        db.SurveyQuestions.Add(question);
        await db.SaveChangesAsync(ct);
        return View(question);
    }

    public async Task<QuestionView> UpdateQuestionAsync(Guid id, QuestionRequest request, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Edit);
        var question = await db.SurveyQuestions.SingleOrDefaultAsync(q => q.Id == id, ct) ?? throw new NotFoundException($"Question {id} does not exist.");
        await ApplyAsync(question, request, ct);
        await db.SaveChangesAsync(ct);
        return View(question);
    }

    /// <summary>Takes a question out of the bank; templates that use it keep it.</summary>
    public async Task RetireQuestionAsync(Guid id, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Edit);
        var question = await db.SurveyQuestions.SingleOrDefaultAsync(q => q.Id == id, ct) ?? throw new NotFoundException($"Question {id} does not exist.");
        question.Active = false;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The CRM dictionaries a choice question may take its answers from.</summary>
    public async Task<IReadOnlyList<string>> DictionariesAsync(CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        return await dictionaries.NamesAsync(ct);
    }

    public static QuestionView View(SurveyQuestion q) => new(q.Id, q.TypeId, q.Text, q.Kind, q.ChoiceList(), q.Dictionary, q.Min, q.Max, q.Active);

    public static bool TryKind(string? text, out QuestionKind kind) => Enum.TryParse(text?.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out kind)
        && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    private async Task ApplyAsync(SurveyQuestion question, QuestionRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var text = request.Text?.Trim() ?? "";
        if (text.Length is 0 or > 500)
        {
            errors["text"] = ["Give the question's text (at most 500 characters)."];
        }

        if (request.TypeId is not { } typeId || !await db.SurveyTypes.AnyAsync(t => t.Id == typeId, ct))
        {
            errors["typeId"] = ["Choose the survey type the question belongs to."];
        }

        if (!TryKind(request.Kind, out var kind))
        {
            errors["kind"] = ["The kind is single-choice, multiple-choice, scale, number, date or open-text."];
        }

        var choices = (request.Choices ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var dictionary = string.IsNullOrWhiteSpace(request.Dictionary) ? null : request.Dictionary.Trim();
        if (kind is QuestionKind.SingleChoice or QuestionKind.MultipleChoice && !errors.ContainsKey("kind"))
        {
            if (dictionary is not null && !(await dictionaries.NamesAsync(ct)).Contains(dictionary, StringComparer.Ordinal))
            {
                errors["dictionary"] = [$"There is no CRM dictionary '{dictionary}'."];
            }
            else if (dictionary is null && choices.Count < 2)
            {
                errors["choices"] = ["Give at least two answers, or choose a CRM dictionary."];
            }
            else if (choices.Any(c => c.Length > 200 || c.Contains('\n', StringComparison.Ordinal)))
            {
                errors["choices"] = ["An answer has at most 200 characters on one line."];
            }
        }

        if (kind == QuestionKind.Scale && (request.Min is not { } low || request.Max is not { } high || low != decimal.Truncate(low) || high != decimal.Truncate(high) || low >= high || high - low > 100))
        {
            errors["max"] = ["A scale goes from a whole number to a greater one (e.g. 1 to 5, at most 100 steps)."];
        }

        if (kind == QuestionKind.Number && request.Min is { } min && request.Max is { } max && min > max)
        {
            errors["max"] = ["The maximum is below the minimum."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var choice = kind is QuestionKind.SingleChoice or QuestionKind.MultipleChoice;
        var bounded = kind is QuestionKind.Scale or QuestionKind.Number;
        question.TypeId = request.TypeId!.Value;
        question.Text = text;
        question.Kind = kind;
        question.Dictionary = choice ? dictionary : null;
        question.Choices = choice && dictionary is null ? string.Join('\n', choices) : null;
        question.Min = bounded ? request.Min : null;
        question.Max = bounded ? request.Max : null;
    }
}
