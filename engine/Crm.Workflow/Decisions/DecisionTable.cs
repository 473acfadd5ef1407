namespace Crm.Workflow.Decisions;

/// <summary>How a decision table turns matching rules into its result (DMN 1.3, 8.2.8).</summary>
public enum HitPolicy
{
    Unique,
    First,
    Priority,
    Any,
    Collect,
    RuleOrder,
    OutputOrder,
}

/// <summary>The aggregation of a COLLECT table over its single output.</summary>
public enum CollectAggregation
{
    None,
    Sum,
    Min,
    Max,
    Count,
}

/// <summary>An input column: the expression evaluated against the variables, and its label for people.</summary>
public sealed record DecisionInput(string Id, string? Label, string Expression, string? TypeRef);

/// <summary>An output column; <see cref="PriorityValues"/> (its output values, in order) rank rules for PRIORITY and OUTPUT ORDER.</summary>
public sealed record DecisionOutput(string Id, string? Label, string Name, string? TypeRef, IReadOnlyList<string> PriorityValues);

/// <summary>A row: one unary test per input, one output entry per output.</summary>
public sealed record DecisionRule(string Id, string? Description, IReadOnlyList<UnaryTests> InputEntries, IReadOnlyList<string> OutputEntries);

/// <summary>A literal expression decision: one expression whose value is the result, kept under <see cref="VariableName"/>.</summary>
public sealed record DecisionLiteral(string VariableName, string Script, string? TypeRef);

/// <summary>
/// One decision of a DMN file, parsed and checked; immutable. A decision table, or (with <see cref="Literal"/>) a literal
/// expression with no columns or rules. <see cref="Required"/> names the decisions of the same file it needs first (DRD).
/// </summary>
public sealed record DecisionTable(
    string Key,
    string? Name,
    HitPolicy HitPolicy,
    CollectAggregation Aggregation,
    IReadOnlyList<DecisionInput> Inputs,
    IReadOnlyList<DecisionOutput> Outputs,
    IReadOnlyList<DecisionRule> Rules)
{
    /// <summary>The decisions (ids in this file) whose results this one reads, in document order.</summary>
    public IReadOnlyList<string> Required { get; init; } = [];

    /// <summary>Set for a literal expression decision.</summary>
    public DecisionLiteral? Literal { get; init; }
}

/// <summary>A problem in a DMN file, tied to the decision, rule or column that has it.</summary>
public sealed record DmnError(string ElementId, string Message);

public sealed class DmnValidationException(IReadOnlyList<DmnError> errors)
    : Exception($"The decision file has {errors.Count} error(s): " + string.Join("; ", errors.Select(e => $"{e.ElementId}: {e.Message}")))
{
    public IReadOnlyList<DmnError> Errors { get; } = errors;
}
