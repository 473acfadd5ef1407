using System.Globalization;
using System.Xml.Linq;
using Crm.Workflow.Jobs;
using static Crm.Workflow.Model.BpmnNamespaces;

namespace Crm.Workflow.Model;

/// <summary>Events (timers, messages, errors), boundary events, call activities, multi-instance, jobs.</summary>
public sealed partial class BpmnParser
{
    private EventSpec? ReadEvent(XElement element, string id, NodeKind kind)
    {
        if (kind == NodeKind.ReceiveTask)
        {
            // Without a message (valid BPMN) it waits to be triggered by its id, as Camunda's signal/trigger does.
            return string.IsNullOrWhiteSpace((string?)element.Attribute("messageRef"))
                ? new EventSpec(TriggerKind.Trigger)
                : ReadMessage(element, id, (string?)element.Attribute("messageRef"));
        }

        var definition = element.Elements().FirstOrDefault(e => e.Name.Namespace == BpmnNs && e.Name.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal));
        if (definition?.Name.LocalName == "messageEventDefinition" && kind is NodeKind.ServiceTask or NodeKind.EndEvent or NodeKind.IntermediateThrowEvent)
        {
            return null;   // a thrown message: its handler (if any) does the sending
        }

        return definition?.Name.LocalName switch
        {
            "timerEventDefinition" => ReadTimer(definition, id),
            "messageEventDefinition" => ReadMessage(element, id, (string?)definition.Attribute("messageRef")),
            "errorEventDefinition" => ReadError(definition, id, kind),
            "signalEventDefinition" => ReadSignal(definition, id),
            "escalationEventDefinition" => ReadEscalation(definition, id, kind),
            "conditionalEventDefinition" => ReadConditional(definition, id),
            "compensateEventDefinition" => ReadCompensation(definition, id, kind),
            "cancelEventDefinition" => new EventSpec(TriggerKind.Cancel),
            _ => null,
        };
    }

    private EventSpec? ReadTimer(XElement definition, string id)
    {
        var parts = new[] { (TimerKind.Date, "timeDate"), (TimerKind.Duration, "timeDuration"), (TimerKind.Cycle, "timeCycle") }
            .Select(p => (p.Item1, Text: definition.Element(BpmnNs + p.Item2)?.Value.Trim()))
            .Where(p => !string.IsNullOrEmpty(p.Text))
            .ToList();
        if (parts.Count != 1)
        {
            _errors.Add(new BpmnError(id, "The timer needs exactly one of timeDate, timeDuration or timeCycle."));
            return null;
        }

        var (timerKind, text) = parts[0];
        var value = ValueExpression(id, text!);
        if (value.IsLiteral && TimerSchedule.Check(timerKind, value.Source) is { } problem)
        {
            _errors.Add(new BpmnError(id, problem));
        }

        return new EventSpec(TriggerKind.Timer, Timer: new TimerSpec(timerKind, value));
    }

    private EventSpec? ReadMessage(XElement element, string id, string? messageRef)
    {
        messageRef = messageRef is not null && !_messages.ContainsKey(messageRef) ? LocalRef(messageRef) : messageRef;
        if (string.IsNullOrWhiteSpace(messageRef) || !_messages.TryGetValue(messageRef, out var message))
        {
            _errors.Add(new BpmnError(id, messageRef is null ? "Choose the message this element waits for." : $"The message '{messageRef}' is not defined."));
            return null;
        }

        var name = (string?)message.Attribute("name");
        if (string.IsNullOrWhiteSpace(name))
        {
            _errors.Add(new BpmnError(id, $"The message '{messageRef}' has no name; messages are correlated by name."));
            return null;
        }

        // The key may sit on the event (ours) or on the message (as Zeebe's subscription does).
        var key = OurOrCamunda(element, "correlationKey") ?? (string?)message.Attribute(CrmNs + "correlationKey");
        return new EventSpec(TriggerKind.Message, MessageName: ValueExpression(id, name),
            CorrelationKey: string.IsNullOrWhiteSpace(key) ? null : ValueExpression(id, key));
    }

    private EventSpec? ReadSignal(XElement definition, string id)
    {
        var signalRef = (string?)definition.Attribute("signalRef");
        signalRef = signalRef is not null && !_signals.ContainsKey(signalRef) ? LocalRef(signalRef) : signalRef;
        if (signalRef is null || !_signals.TryGetValue(signalRef, out var name) || string.IsNullOrWhiteSpace(name))
        {
            _errors.Add(new BpmnError(id, signalRef is null ? "Choose the signal of this event (signalRef)." : $"The signal '{signalRef}' is not defined or has no name."));
            return null;
        }

        // Caught like a message of its own namespace; thrown as a broadcast (ProcessExecution.QueueSignal).
        return new EventSpec(TriggerKind.Message, MessageName: ValueExpression(id, SignalNames.Prefix + name)) { IsSignal = true };
    }

    private EventSpec ReadError(XElement definition, string id, NodeKind kind)
    {
        var errorRef = (string?)definition.Attribute("errorRef");
        errorRef = errorRef is not null && !_errorCodes.ContainsKey(errorRef) ? LocalRef(errorRef) : errorRef;
        string? code = null;
        if (errorRef is not null && !_errorCodes.TryGetValue(errorRef, out code))
        {
            _errors.Add(new BpmnError(id, $"The error '{errorRef}' is not defined."));
        }

        if (kind == NodeKind.ErrorEndEvent && string.IsNullOrWhiteSpace(code))
        {
            _errors.Add(new BpmnError(id, "The error end event needs an error with an error code."));
        }

        // A boundary event without a code catches every error.
        return new EventSpec(TriggerKind.Error, ErrorCode: string.IsNullOrWhiteSpace(code) ? null : code)
        {
            ErrorCodeVariable = OurOrCamunda(definition, "errorCodeVariable") is { Length: > 0 } codeVariable ? codeVariable.Trim() : null,
            ErrorMessageVariable = OurOrCamunda(definition, "errorMessageVariable") is { Length: > 0 } messageVariable ? messageVariable.Trim() : null,
        };
    }

    private EventSpec ReadCompensation(XElement definition, string id, NodeKind kind)
    {
        if (kind == NodeKind.BoundaryEvent)
        {
            var handler = _associations.GetValueOrDefault(id);
            if (handler is null)
            {
                _errors.Add(new BpmnError(id, "The compensation boundary event needs an association to its handler (an activity marked isForCompensation)."));
            }

            return new EventSpec(TriggerKind.Compensation) { CompensationHandlerId = handler };
        }

        if (kind == NodeKind.StartEvent)
        {
            return new EventSpec(TriggerKind.Compensation);   // the start of a compensation event sub-process
        }

        if ((string?)definition.Attribute("waitForCompletion") == "false")
        {
            _errors.Add(new BpmnError(id, "Only waitForCompletion=\"true\" (the default) is supported: the flow goes on after the handlers."));
        }

        return new EventSpec(TriggerKind.Compensation) { ActivityRef = (string?)definition.Attribute("activityRef") };
    }

    private EventSpec? ReadConditional(XElement definition, string id)
    {
        var text = definition.Element(BpmnNs + "condition")?.Value;
        if (string.IsNullOrWhiteSpace(text))
        {
            _errors.Add(new BpmnError(id, "The conditional event needs a condition (e.g. ${amount > 1000})."));
            return null;
        }

        return new EventSpec(TriggerKind.Condition) { Condition = ScriptExpression(id, text) };
    }

    private EventSpec ReadEscalation(XElement definition, string id, NodeKind kind)
    {
        var escalationRef = (string?)definition.Attribute("escalationRef");
        escalationRef = escalationRef is not null && !_escalations.ContainsKey(escalationRef) ? LocalRef(escalationRef) : escalationRef;
        string? code = null;
        if (escalationRef is not null && !_escalations.TryGetValue(escalationRef, out code))
        {
            _errors.Add(new BpmnError(id, $"The escalation '{escalationRef}' is not defined."));
        }

        if (kind is NodeKind.EndEvent or NodeKind.IntermediateThrowEvent && string.IsNullOrWhiteSpace(code))
        {
            _errors.Add(new BpmnError(id, "A throwing escalation event needs an escalation with an escalationCode."));
        }

        // A catching event without a code catches every escalation.
        return new EventSpec(TriggerKind.Escalation, ErrorCode: string.IsNullOrWhiteSpace(code) ? null : code);
    }

    private BoundarySpec? ReadBoundary(XElement element, string id)
    {
        var attachedTo = (string?)element.Attribute("attachedToRef");
        if (string.IsNullOrWhiteSpace(attachedTo))
        {
            _errors.Add(new BpmnError(id, "The boundary event is not attached to an activity (attachedToRef)."));
            return null;
        }

        return new BoundarySpec(attachedTo, (string?)element.Attribute("cancelActivity") != "false");
    }

    private CallActivitySpec? ReadCallActivity(XElement element, string id)
    {
        var called = (string?)element.Attribute("calledElement") ?? OurOrCamunda(element, "calledElement");
        if (string.IsNullOrWhiteSpace(called))
        {
            _errors.Add(new BpmnError(id, "The call activity needs calledElement: the key of the process it starts."));
            return null;
        }

        int? version = null;
        var versionText = OurOrCamunda(element, "calledElementVersion") ?? (string?)element.Attribute(CrmNs + "version");
        var binding = OurOrCamunda(element, "calledElementBinding");
        if (!string.IsNullOrWhiteSpace(versionText) && binding is null or "version")
        {
            if (int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var pinned) && pinned > 0)
            {
                version = pinned;
            }
            else
            {
                _errors.Add(new BpmnError(id, $"The called version '{versionText}' is not a positive whole number."));
            }
        }

        var extensions = element.Element(BpmnNs + "extensionElements");
        List<VariableMapping> Read(string name)
        {
            var result = new List<VariableMapping>();
            foreach (var mapping in extensions?.Elements().Where(e => e.Name == CrmNs + name || e.Name == CamundaNs + name) ?? [])
            {
                if ((string?)mapping.Attribute("businessKey") is not null)
                {
                    continue;   // the business key is always handed to the called process
                }

                var all = (string?)mapping.Attribute("variables") == "all";
                var source = (string?)mapping.Attribute("source");
                var sourceExpression = (string?)mapping.Attribute("sourceExpression");
                var target = (string?)mapping.Attribute("target") ?? source;
                if (!all && (string.IsNullOrWhiteSpace(target) || (source is null && sourceExpression is null)))
                {
                    _errors.Add(new BpmnError(id, $"A {name} mapping needs source (or sourceExpression) and target, or variables=\"all\"."));
                    continue;
                }

                result.Add(new VariableMapping(source, sourceExpression is null ? null : ScriptExpression(id, sourceExpression), target, all));
            }

            return result;
        }

        return new CallActivitySpec(ValueExpression(id, called), version, Read("in"), Read("out"), PassBusinessKey: true);
    }

    private MultiInstanceSpec? ReadMultiInstance(XElement element, string id)
    {
        var loop = element.Element(BpmnNs + "multiInstanceLoopCharacteristics");
        if (loop is null)
        {
            return null;
        }

        // Standard BPMN names the collection with loopDataInputRef and the element with inputDataItem (Camunda reads both).
        var collectionText = OurOrCamunda(loop, "collection") ?? loop.Element(BpmnNs + "loopDataInputRef")?.Value.Trim();
        // A plain name is a variable; ${…} or =… is an expression. Both evaluate the same way.
        var collection = string.IsNullOrWhiteSpace(collectionText) ? null
            : collectionText.TrimStart().StartsWith("${", StringComparison.Ordinal) || collectionText.TrimStart().StartsWith('=') ? ValueExpression(id, collectionText)
            : ScriptExpression(id, collectionText.Trim());
        var cardinalityText = loop.Element(BpmnNs + "loopCardinality")?.Value;
        var cardinality = string.IsNullOrWhiteSpace(cardinalityText) ? null : ScriptExpression(id, cardinalityText);
        var conditionText = loop.Element(BpmnNs + "completionCondition")?.Value;
        var condition = string.IsNullOrWhiteSpace(conditionText) ? null : ScriptExpression(id, conditionText);
        if (collection is null && cardinality is null)
        {
            _errors.Add(new BpmnError(id, "The multi-instance activity needs a collection or a loop cardinality."));
        }

        var elementVariable = OurOrCamunda(loop, "elementVariable")
            ?? (string?)loop.Element(BpmnNs + "inputDataItem")?.Attribute("name") ?? (string?)loop.Element(BpmnNs + "inputDataItem")?.Attribute("id");
        return new MultiInstanceSpec((string?)loop.Attribute("isSequential") == "true", collection,
            string.IsNullOrWhiteSpace(elementVariable) ? null : elementVariable.Trim(), cardinality, condition);
    }

    private StandardLoopSpec? ReadStandardLoop(XElement element, string id, NodeKind kind)
    {
        var loop = element.Element(BpmnNs + "standardLoopCharacteristics");
        if (loop is null)
        {
            return null;
        }

        if (kind == NodeKind.SubProcess)
        {
            // Each run of a sub-process is a scope of its own; a loop around it is a gateway loop or multi-instance.
            _errors.Add(new BpmnError(id, "A standard loop on an embedded sub-process is not supported; loop with a gateway or use sequential multi-instance."));
            return null;
        }

        var condition = OptionalCondition(loop, id, "loopCondition");
        int? maximum = null;
        if ((string?)loop.Attribute("loopMaximum") is { } maximumText)
        {
            if (int.TryParse(maximumText.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                maximum = value;
            }
            else
            {
                _errors.Add(new BpmnError(id, $"loopMaximum must be a whole number of runs, not '{maximumText}'."));
            }
        }

        if (condition is null && maximum is null)
        {
            _errors.Add(new BpmnError(id, "The standard loop needs a loopCondition or a loopMaximum; it would never end."));
        }

        return new StandardLoopSpec(condition, (string?)loop.Attribute("testBefore") == "true", maximum);
    }

    /// <summary>A child formal expression used as a condition (loopCondition, activationCondition), or null when absent.</summary>
    private Expression? OptionalCondition(XElement element, string id, string name)
    {
        var text = element.Element(BpmnNs + name)?.Value;
        return string.IsNullOrWhiteSpace(text) ? null : ScriptExpression(id, text);
    }

    private string? ReadRetryCycle(XElement element, string id)
    {
        var cycle = OurOrCamunda(element, "retryCycle")
            ?? element.Element(BpmnNs + "extensionElements")?.Element(CamundaNs + "failedJobRetryTimeCycle")?.Value;
        if (string.IsNullOrWhiteSpace(cycle))
        {
            return null;
        }

        cycle = cycle.Trim();
        if (RetryPolicy.Check(cycle) is { } problem)
        {
            _errors.Add(new BpmnError(id, problem));
            return null;
        }

        return cycle;
    }
}
