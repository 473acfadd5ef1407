using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Workflow.Model;
using Jint;
using JsEngine = Jint.Engine;
using Jint.Native;
using Jint.Native.Json;

namespace Crm.Workflow.Expressions;

/// <summary>An expression or script failed; names the element so the process owner can find it.</summary>
public sealed class ExpressionException(string elementId, string message, Exception? inner = null)
    : Exception($"{elementId}: {message}", inner)
{
    public string ElementId { get; } = elementId;
}

/// <summary>
/// JavaScript for conditions, mappings and script tasks, through Jint in a sandbox: no CLR access,
/// bounded time, statements, memory and recursion. Parsed scripts are cached by source text.
/// </summary>
public sealed class ExpressionEngine
{
    private static readonly ConcurrentDictionary<string, Prepared<Acornima.Ast.Script>> Cache = new(StringComparer.Ordinal);

    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(2);
    public int StatementLimit { get; init; } = 100_000;
    public long MemoryLimitBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Returns a readable parse error, or null when the source is valid JavaScript.</summary>
    public static string? Check(string source)
    {
        try
        {
            Prepare(source);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex.Message;
        }
    }

    /// <summary>Camunda-style <c>${a and b}</c> becomes JavaScript <c>a &amp;&amp; b</c>; anything else is taken as JavaScript.</summary>
    public static string FromModelText(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("${", StringComparison.Ordinal) && trimmed.EndsWith('}'))
        {
            return TranslateJuelOperators(trimmed[2..^1]);
        }

        return trimmed;
    }

    public JsonNode? Evaluate(Expression expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        if (expression.IsLiteral)
        {
            return JsonValue.Create(expression.Source);
        }

        if (TryLookup(expression.Source, variables, out var direct))
        {
            return direct?.DeepClone();
        }

        var engine = CreateEngine(expression.Source, variables, out _);
        return Run(engine, expression.Source, elementId);
    }

    /// <summary>
    /// <c>reader</c> or <c>customer.owner</c>: read straight from the variables, no script engine. Most
    /// assignees, collections and keys look like this, and a multi-instance body evaluates them per item.
    /// </summary>
    private static bool TryLookup(string source, IReadOnlyDictionary<string, JsonNode?> variables, out JsonNode? value)
    {
        value = null;
        var parts = source.Split('.');
        if (parts.Any(p => !IsIdentifier(p)) || !variables.TryGetValue(parts[0], out value))
        {
            return false;
        }

        for (var i = 1; i < parts.Length; i++)
        {
            if (value is not JsonObject obj || !obj.TryGetPropertyValue(parts[i], out value))
            {
                value = null;
                return false;   // let the script engine produce its usual result or error
            }
        }

        return true;
    }

    private static bool IsIdentifier(string text) =>
        text.Length > 0 && (char.IsLetter(text[0]) || text[0] is '_' or '$') && text.All(c => char.IsLetterOrDigit(c) || c is '_' or '$')
        && text is not ("true" or "false" or "null" or "undefined" or "NaN" or "Infinity" or "this");

    public bool EvaluateCondition(Expression expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        if (expression.IsLiteral)
        {
            return bool.TryParse(expression.Source, out var literal) && literal;
        }

        var engine = CreateEngine(expression.Source, variables, out _);
        try
        {
            return TypeConverterToBoolean(engine.Evaluate(Prepare(expression.Source)));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not ExpressionException)
        {
            throw new ExpressionException(elementId, $"the condition '{expression.Source}' failed: {ex.Message}", ex);
        }
    }

    /// <summary>Runs a script task; variables set through <c>execution.setVariable</c> are returned.</summary>
    public ScriptResult RunScript(string script, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        var engine = CreateEngine(script, variables, out var changes);
        var result = Run(engine, script, elementId);
        return new ScriptResult(result, changes);
    }

    private static JsonNode? Run(JsEngine engine, string source, string elementId)
    {
        try
        {
            return ToJson(engine, engine.Evaluate(Prepare(source)));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not ExpressionException)
        {
            throw new ExpressionException(elementId, $"the expression failed: {ex.Message}", ex);
        }
    }

    /// <summary>A fresh sandboxed engine with the variables the source mentions (others stay reachable through <c>execution.getVariable</c>).</summary>
    private JsEngine CreateEngine(string source, IReadOnlyDictionary<string, JsonNode?> variables, out Dictionary<string, JsonNode?> changes)
    {
        var engine = new JsEngine(o => o
            .Strict()
            .TimeoutInterval(TimeLimit)
            .MaxStatements(StatementLimit)
            .LimitMemory(MemoryLimitBytes)
            .LimitRecursion(64));
        var parser = new JsonParser(engine);
        foreach (var (name, value) in variables)
        {
            if (source.Contains(name, StringComparison.Ordinal))
            {
                engine.SetValue(name, value is null ? JsValue.Null : parser.Parse(value.ToJsonString()));
            }
        }

        var changed = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var execution = new JsObject(engine);
        execution.Set("setVariable", new Jint.Runtime.Interop.ClrFunction(engine, "setVariable", (_, args) =>
        {
            var name = args.Length > 0 ? args[0].AsString() : throw new ArgumentException("setVariable needs a name");
            var value = ToJson(engine, args.Length > 1 ? args[1] : JsValue.Undefined);
            changed[name] = value;
            engine.SetValue(name, value is null ? JsValue.Null : parser.Parse(value.ToJsonString()));
            return JsValue.Undefined;
        }));
        execution.Set("getVariable", new Jint.Runtime.Interop.ClrFunction(engine, "getVariable", (_, args) =>
        {
            var name = args.Length > 0 ? args[0].AsString() : "";
            if (engine.Global.HasProperty(name))
            {
                return engine.Global.Get(name);
            }

            return variables.TryGetValue(name, out var value) ? (value is null ? JsValue.Null : parser.Parse(value.ToJsonString())) : JsValue.Undefined;
        }));
        engine.SetValue("execution", execution);
        changes = changed;
        return engine;
    }

    private static Prepared<Acornima.Ast.Script> Prepare(string source)
    {
        if (Cache.Count > 20_000)
        {
            Cache.Clear();   // bounded: sources come from deployed models, but deploy attempts can be many
        }

        return Cache.GetOrAdd(source, s => JsEngine.PrepareScript(s, strict: true));
    }

    private static JsonNode? ToJson(JsEngine engine, JsValue value)
    {
        if (value.IsUndefined() || value.IsNull())
        {
            return null;
        }

        var text = new JsonSerializer(engine).Serialize(value);
        return text.IsUndefined() ? null : JsonNode.Parse(text.AsString());
    }

    private static bool TypeConverterToBoolean(JsValue value) => Jint.Runtime.TypeConverter.ToBoolean(value);

    private static string TranslateJuelOperators(string juel)
    {
        var result = new StringBuilder(juel.Length + 8);
        var i = 0;
        while (i < juel.Length)
        {
            var c = juel[i];
            if (c is '\'' or '"')
            {
                var end = juel.IndexOf(c, i + 1);
                end = end < 0 ? juel.Length - 1 : end;
                result.Append(juel, i, end - i + 1);
                i = end + 1;
                continue;
            }

            if (char.IsLetter(c) && (i == 0 || !char.IsLetterOrDigit(juel[i - 1]) && juel[i - 1] != '_' && juel[i - 1] != '.'))
            {
                var start = i;
                while (i < juel.Length && (char.IsLetterOrDigit(juel[i]) || juel[i] == '_'))
                {
                    i++;
                }

                var word = juel[start..i];
                result.Append(word switch
                {
                    "and" => "&&",
                    "or" => "||",
                    "not" => "!",
                    "eq" => "==",
                    "ne" => "!=",
                    "lt" => "<",
                    "gt" => ">",
                    "le" => "<=",
                    "ge" => ">=",
                    _ => word,
                });
                continue;
            }

            result.Append(c);
            i++;
        }

        return result.ToString();
    }
}

public sealed record ScriptResult(JsonNode? Value, IReadOnlyDictionary<string, JsonNode?> SetVariables);
