using System.Text;
using Crm.Workflow.Expressions;

namespace Crm.Workflow.Decisions;

/// <summary>
/// The FEEL of literal expressions, as far as the expression engine can run it: <c>${…}</c> (JUEL) as everywhere
/// else, and in plain text FEEL's <c>and</c>, <c>or</c>, <c>not(…)</c>, <c>=</c> and <c>if … then … else …</c> become
/// their JavaScript forms; names, numbers, strings, arithmetic, comparisons and member access are the same in both.
/// </summary>
public static class FeelText
{
    public static string ToScript(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("${", StringComparison.Ordinal) || trimmed.StartsWith("#{", StringComparison.Ordinal))
        {
            return ExpressionEngine.FromModelText("${" + trimmed[2..]);
        }

        var result = new StringBuilder();
        var open = new Stack<(int Depth, bool InElse)>();   // the ifs whose else branch is not closed yet
        var depth = 0;
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c is '"' or '\'')
            {
                var end = trimmed.IndexOf(c, i + 1);
                end = end < 0 ? trimmed.Length - 1 : end;
                result.Append(trimmed, i, end - i + 1);
                i = end;
                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                var end = i;
                while (end < trimmed.Length && (char.IsLetterOrDigit(trimmed[end]) || trimmed[end] == '_'))
                {
                    end++;
                }

                var word = trimmed[i..end];
                var afterDot = result.Length > 0 && result[^1] == '.';
                result.Append(afterDot ? word : Word(word, open, depth, result));
                i = end - 1;
                continue;
            }

            switch (c)
            {
                case '(':
                    depth++;
                    break;
                case ')' or ',':
                    CloseElses(open, c == ')' ? depth - 1 : depth, result, inclusive: c == ',');
                    depth -= c == ')' ? 1 : 0;
                    break;
                case '=' when (i == 0 || trimmed[i - 1] is not ('<' or '>' or '!' or '=')) && (i + 1 >= trimmed.Length || trimmed[i + 1] != '='):
                    result.Append("==");
                    continue;
            }

            result.Append(c);
        }

        CloseElses(open, -1, result, inclusive: false);
        return result.ToString();
    }

    private static string Word(string word, Stack<(int Depth, bool InElse)> open, int depth, StringBuilder result)
    {
        switch (word)
        {
            case "and":
                return "&&";
            case "or":
                return "||";
            case "not":
                return "!";
            case "if":
                open.Push((depth, false));
                return "((";
            case "then":
                CloseElses(open, depth, result, inclusive: true);
                return ") ? (";
            case "else":
                CloseElses(open, depth, result, inclusive: true);
                if (open.Count > 0)
                {
                    open.Push((open.Pop().Depth, true));
                }

                return ") : (";
            default:
                return word;
        }
    }

    /// <summary>Closes the else branches of ifs opened deeper than <paramref name="depth"/> (or at it, when inclusive).</summary>
    private static void CloseElses(Stack<(int Depth, bool InElse)> open, int depth, StringBuilder result, bool inclusive)
    {
        while (open.Count > 0 && open.Peek().InElse && (open.Peek().Depth > depth || (inclusive && open.Peek().Depth == depth)))
        {
            open.Pop();
            result.Append("))");
        }
    }
}
