using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Crm.Workflow.Decisions;

/// <summary>
/// An input entry of a decision table in S-FEEL (DMN 1.3, 9.5): <c>-</c> or empty (anything), a literal
/// (<c>"gold"</c>, <c>42</c>, <c>true</c>, <c>date("2026-01-31")</c>, <c>date and time("…")</c>), a comparison
/// (<c>&lt; 10</c>, <c>&gt;= 5</c>, <c>!= "x"</c>), a range (<c>[1..10]</c>, <c>]1..10[</c>, <c>(1..10)</c>), a comma
/// list of these, or <c>not(…)</c> of a list. An endpoint that is no literal is an expression over the variables
/// (<c>&lt; limit</c>). Camunda's <c>${…}</c> entries are conditions with the column's value as <c>cellInput</c>.
/// </summary>
public sealed class UnaryTests
{
    private readonly List<Test> _tests;
    private readonly bool _negated;
    private readonly string? _condition;

    private UnaryTests(string text, List<Test> tests, bool negated, string? condition)
    {
        Text = text;
        _tests = tests;
        _negated = negated;
        _condition = condition;
    }

    public string Text { get; }

    public bool MatchesAnything => _tests.Count == 0 && _condition is null;

    /// <summary>Parses an entry; a <see cref="FormatException"/> says what is wrong.</summary>
    public static UnaryTests Parse(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed is "" or "-")
        {
            return new UnaryTests(trimmed, [], false, null);
        }

        if (trimmed.StartsWith("${", StringComparison.Ordinal) && trimmed.EndsWith('}'))
        {
            return new UnaryTests(trimmed, [], false, trimmed);
        }

        var negated = false;
        var body = trimmed;
        if (body.StartsWith("not(", StringComparison.Ordinal) && body.EndsWith(')'))
        {
            negated = true;
            body = body[4..^1].Trim();
        }

        var tests = SplitTopLevel(body).Select(ParseTest).ToList();
        return new UnaryTests(trimmed, tests, negated, null);
    }

    /// <summary>Whether <paramref name="value"/> passes; <paramref name="evaluate"/> computes expression endpoints and conditions.</summary>
    public bool Matches(JsonNode? value, Func<string, JsonNode?> evaluate, Func<string, JsonNode?, bool> condition)
    {
        if (_condition is not null)
        {
            return condition(_condition, value);
        }

        if (_tests.Count == 0)
        {
            return true;
        }

        var any = _tests.Any(t => t.Matches(value, evaluate));
        return _negated ? !any : any;
    }

    private static Test ParseTest(string part)
    {
        var text = part.Trim();
        if (text.Length == 0)
        {
            throw new FormatException("an empty test in a list");
        }

        if ((text[0] is '[' or ']' or '(') && text.Contains("..", StringComparison.Ordinal) && text[^1] is ']' or '[' or ')')
        {
            var inner = text[1..^1];
            var dots = inner.IndexOf("..", StringComparison.Ordinal);
            return new RangeTest(Endpoint.Parse(inner[..dots]), Endpoint.Parse(inner[(dots + 2)..]), text[0] == '[', text[^1] == ']');
        }

        foreach (var op in new[] { "<=", ">=", "!=", "<", ">", "=" })
        {
            if (text.StartsWith(op, StringComparison.Ordinal))
            {
                return new CompareTest(op, Endpoint.Parse(text[op.Length..]));
            }
        }

        return new CompareTest("=", Endpoint.Parse(text));
    }

    /// <summary>Splits on commas outside quotes, brackets and parentheses.</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                current.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case '(' or '[':
                    depth++;
                    break;
                case ')' or ']' when depth > 0:
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(current.ToString());
                    current.Clear();
                    continue;
            }

            current.Append(c);
        }

        if (quoted)
        {
            throw new FormatException("a string is not closed (\")");
        }

        parts.Add(current.ToString());
        return parts;
    }

    private abstract class Test
    {
        public abstract bool Matches(JsonNode? value, Func<string, JsonNode?> evaluate);
    }

    private sealed class CompareTest(string op, Endpoint endpoint) : Test
    {
        public override bool Matches(JsonNode? value, Func<string, JsonNode?> evaluate)
        {
            var right = endpoint.Value(evaluate);
            var left = Comparable.Of(value, like: right);
            if (op is "=" or "!=")
            {
                var equal = Comparable.AreEqual(left, right);
                return op == "=" ? equal : !equal;
            }

            if (Comparable.Compare(left, right) is not { } order)
            {
                return false;   // null, or values that do not compare (a number against a text)
            }

            return op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
        }
    }

    private sealed class RangeTest(Endpoint low, Endpoint high, bool includeLow, bool includeHigh) : Test
    {
        public override bool Matches(JsonNode? value, Func<string, JsonNode?> evaluate)
        {
            var from = low.Value(evaluate);
            var to = high.Value(evaluate);
            var left = Comparable.Of(value, like: from);
            if (Comparable.Compare(left, from) is not { } above || Comparable.Compare(left, to) is not { } below)
            {
                return false;
            }

            return (includeLow ? above >= 0 : above > 0) && (includeHigh ? below <= 0 : below < 0);
        }
    }

    /// <summary>A literal, or an expression over the variables evaluated when the rule is tried.</summary>
    internal sealed class Endpoint
    {
        private readonly object? _literal;
        private readonly string? _expression;

        private Endpoint(object? literal, string? expression)
        {
            _literal = literal;
            _expression = expression;
        }

        public object? Value(Func<string, JsonNode?> evaluate) => _expression is null ? _literal : Comparable.Of(evaluate(_expression), like: null);

        public static Endpoint Parse(string text)
        {
            var trimmed = text.Trim();
            if (trimmed.Length == 0)
            {
                throw new FormatException("a comparison or range needs a value");
            }

            if (TryLiteral(trimmed, out var literal))
            {
                return new Endpoint(literal, null);
            }

            return Crm.Workflow.Expressions.ExpressionEngine.Check(Crm.Workflow.Expressions.ExpressionEngine.FromModelText(trimmed)) is { } problem
                ? throw new FormatException($"'{trimmed}' is neither a value nor an expression ({problem})")
                : new Endpoint(null, trimmed);
        }

        /// <summary>S-FEEL literals: strings, numbers, booleans, null, date(…), date and time(…), time(…).</summary>
        public static bool TryLiteral(string text, out object? value)
        {
            value = null;
            if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
            {
                value = text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                return true;
            }

            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                value = number;
                return true;
            }

            switch (text)
            {
                case "true":
                    value = true;
                    return true;
                case "false":
                    value = false;
                    return true;
                case "null":
                    return true;
            }

            foreach (var function in new[] { "date and time(", "date(", "time(" })
            {
                if (text.StartsWith(function, StringComparison.Ordinal) && text.EndsWith(')'))
                {
                    var inner = text[function.Length..^1].Trim();
                    if (inner.Length < 2 || inner[0] != '"' || inner[^1] != '"')
                    {
                        throw new FormatException($"{function.TrimEnd('(')} takes a quoted text, e.g. {function}\"2026-01-31\")");
                    }

                    value = Comparable.ParseTime(inner[1..^1]) ?? throw new FormatException($"'{inner}' is not a date or time (ISO 8601)");
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>Values as decision tables compare them: numbers as decimals, dates and times, texts, booleans.</summary>
internal static class Comparable
{
    /// <summary>A JSON value as a comparable; a text becomes a date when compared with one.</summary>
    public static object? Of(JsonNode? node, object? like)
    {
        if (node is not JsonValue value)
        {
            return node?.ToJsonString();
        }

        if (value.TryGetValue(out bool flag))
        {
            return flag;
        }

        if (value.TryGetValue(out string? text))
        {
            if (like is DateTimeOffset && ParseTime(text) is { } time)
            {
                return time;
            }

            if (like is decimal && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fromText))
            {
                return fromText;
            }

            return text;
        }

        if (value.TryGetValue(out decimal number))
        {
            return number;
        }

        // Beyond decimal's range (1e30, NaN, infinity) a number compares as its text: no match, no crash.
        return value.TryGetValue(out double real) && double.IsFinite(real) && Math.Abs(real) < 7.9e28 ? (decimal)real : value.ToJsonString();
    }

    public static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    public static bool AreEqual(object? left, object? right) => left is null || right is null ? left is null && right is null : Compare(left, right) == 0 || Equals(left, right);

    public static int? Compare(object? left, object? right) => (left, right) switch
    {
        (decimal a, decimal b) => a.CompareTo(b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (string a, string b) => string.CompareOrdinal(a, b),
        (bool a, bool b) => a == b ? 0 : null,
        _ => null,
    };
}
