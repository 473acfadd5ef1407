namespace Crm.Designer.Components.Designer;

/// <summary>The selected diagram element as the browser describes it (see Client/src/properties.js).</summary>
public sealed class ElementInfo
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string? EventType { get; set; }
    public string Name { get; set; } = "";
    public Dictionary<string, string> Attrs { get; set; } = [];
    public string? FormSchema { get; set; }
    public List<InputMapping> Inputs { get; set; } = [];
    public string? Condition { get; set; }
    public bool IsDefault { get; set; }
    public bool FromGateway { get; set; }
    public string? Script { get; set; }
    public string? CalledElement { get; set; }
    public TimerInfo? Timer { get; set; }
    public MessageInfo? Message { get; set; }
    public string? ErrorCode { get; set; }
    public string? SignalName { get; set; }
    public string? EscalationCode { get; set; }
    public string? EventCondition { get; set; }
    public string? LinkName { get; set; }
    public MultiInstanceInfo? MultiInstance { get; set; }
    public StandardLoopInfo? StandardLoop { get; set; }
    /// <summary>On a complex gateway (empty when unset); null on every other element.</summary>
    public string? ActivationCondition { get; set; }
    public bool? Interrupting { get; set; }

    public string? Attr(string name) => Attrs.TryGetValue(name, out var value) ? value : null;

    public bool IsProcess => Type == "Process";
    public bool IsActivity => Type is "Task" or "UserTask" or "ServiceTask" or "SendTask" or "ScriptTask" or "ManualTask" or "ReceiveTask" or "SubProcess" or "CallActivity" or "BusinessRuleTask";
}

public sealed class InputMapping
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed class TimerInfo
{
    public string Kind { get; set; } = "timeDuration";
    public string Value { get; set; } = "";
}

public sealed class MessageInfo
{
    public string Name { get; set; } = "";
    public string CorrelationKey { get; set; } = "";
}

public sealed class MultiInstanceInfo
{
    public bool Sequential { get; set; }
    public string Collection { get; set; } = "";
    public string ElementVariable { get; set; } = "";
    public string Cardinality { get; set; } = "";
    public string CompletionCondition { get; set; } = "";
}

/// <summary>A standard loop: repeat while the condition holds, at most Maximum times.</summary>
public sealed class StandardLoopInfo
{
    public string Condition { get; set; } = "";
    public bool TestBefore { get; set; }
    public string Maximum { get; set; } = "";
}

/// <summary>A lint or deploy problem on one element, shown on the canvas and in the list.</summary>
public sealed record Problem(string ElementId, string Message);
