using System.Globalization;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>One answer as entered: <see cref="Value"/> for every kind, <see cref="Values"/> for multiple choice.</summary>
public sealed record SurveyAnswerInput(Guid QuestionId, string? Value, IReadOnlyList<string>? Values = null);

/// <summary>
/// The checks made on entry, by staff and by link alike: required answers, a choice from the list, a scale or number
/// within its bounds, a date as yyyy-MM-dd, open text up to 4000 characters. Each problem is keyed by the question's id
/// and names the question, so the form can show it beside it.
/// </summary>
public static class SurveyAnswerRules
{
    public const int MaxText = 4000;

    /// <summary>The answer rows to store, or the problems keyed by question id (empty when all is well).</summary>
    public static (List<SurveyAnswer> Rows, Dictionary<string, string[]> Errors) Check(IReadOnlyList<FormQuestion> questions, IReadOnlyList<SurveyAnswerInput> inputs)
    {
        var rows = new List<SurveyAnswer>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var byQuestion = inputs.GroupBy(i => i.QuestionId).ToDictionary(g => g.Key, g => g.Last());
        if (byQuestion.Keys.Except(questions.Select(q => q.Id)).Any())
        {
            errors["answers"] = ["An answer is for a question this survey does not ask."];
        }

        foreach (var question in questions)
        {
            var values = byQuestion.TryGetValue(question.Id, out var input)
                ? (input.Values ?? []).Append(input.Value).Select(v => v?.Trim() ?? "").Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList()
                : [];
            if (values.Count == 0)
            {
                if (question.Required)
                {
                    errors[question.Id.ToString()] = [$"{question.Order}. {question.Text}: an answer is required."];
                }

                continue;
            }

            if (Problem(question, values) is { } problem)
            {
                errors[question.Id.ToString()] = [$"{question.Order}. {question.Text}: {problem}"];
                continue;
            }

            rows.AddRange(values.Select(v => new SurveyAnswer { QuestionId = question.Id, Value = Normal(question.Kind, v), Number = NumberOf(question.Kind, v) }));
        }

        return (rows, errors);
    }

    /// <summary>What is wrong with the values given, in words, or null.</summary>
    private static string? Problem(FormQuestion question, List<string> values)
    {
        if (question.Kind != QuestionKind.MultipleChoice && values.Count > 1)
        {
            return "give one answer only.";
        }

        var value = values[0];
        switch (question.Kind)
        {
            case QuestionKind.SingleChoice:
            case QuestionKind.MultipleChoice:
                return values.All(v => question.Choices.Contains(v, StringComparer.Ordinal)) ? null : $"choose from the listed answers ({string.Join(", ", question.Choices)}).";
            case QuestionKind.Scale:
                return TryNumber(value, out var point) && point == decimal.Truncate(point) && point >= question.Min && point <= question.Max
                    ? null : $"choose a whole number from {question.Min:0} to {question.Max:0}.";
            case QuestionKind.Number:
                if (!TryNumber(value, out var number))
                {
                    return "give a number.";
                }

                return (question.Min is { } min && number < min) || (question.Max is { } max && number > max)
                    ? $"give a number{(question.Min is { } lo ? $" from {lo.ToString(CultureInfo.InvariantCulture)}" : "")}{(question.Max is { } hi ? $" up to {hi.ToString(CultureInfo.InvariantCulture)}" : "")}."
                    : null;
            case QuestionKind.Date:
                return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : "give a date as yyyy-mm-dd (e.g. 2026-03-31).";
            default:
                return value.Length > MaxText ? $"at most {MaxText} characters." : null;
        }
    }

    /// <summary>Numbers with a dot or a Polish decimal comma.</summary>
    public static bool TryNumber(string text, out decimal number) =>
        decimal.TryParse(text.Replace(',', '.'), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out number);

    /// <summary>The value as stored: numbers in invariant form, the rest as given.</summary>
    public static string Normal(QuestionKind kind, string value) =>
        kind is QuestionKind.Scale or QuestionKind.Number && TryNumber(value, out var n) ? n.ToString("0.############", CultureInfo.InvariantCulture) : value;

    /// <summary>The comparable number of a value: scale and number as such, dates as their day number.</summary>
    public static double? NumberOf(QuestionKind kind, string value) => kind switch
    {
        QuestionKind.Scale or QuestionKind.Number when TryNumber(value, out var n) => (double)n,
        QuestionKind.Date when DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) => day.DayNumber,
        _ => null,
    };
}
