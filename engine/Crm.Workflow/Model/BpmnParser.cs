using System.Collections.Frozen;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Crm.Workflow.Expressions;
using static Crm.Workflow.Model.BpmnNamespaces;

namespace Crm.Workflow.Model;

/// <summary>
/// Reads BPMN 2.0 XML (bpmn-js, Camunda Modeler, hand-written; with or without BPMNDI) into a
/// <see cref="ProcessModel"/>. Collects every problem with its element id instead of stopping at the first.
/// One instance parses one document at a time (it keeps the document's elements while it works).
/// </summary>
public sealed partial class BpmnParser(Func<string, bool> isKnownHandler)
{
    // Elements that carry no behaviour: ignored wherever they appear in a process.
    private static readonly FrozenSet<string> Passive = new[]
    {
        "documentation", "extensionElements", "laneSet", "textAnnotation", "association", "group",
        "dataObject", "dataObjectReference", "dataStoreReference", "property", "ioSpecification",
        "incoming", "outgoing", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly List<BpmnError> _errors = [];
    private readonly Dictionary<string, FlowNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SequenceFlow> _flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, XElement> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _errorCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _signals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _escalations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _associations = new(StringComparer.Ordinal);

    /// <summary>Parses and validates; throws <see cref="BpmnValidationException"/> listing every error.</summary>
    public ProcessModel Parse(string xml)
    {
        _errors.Clear();
        _nodes.Clear();
        _flows.Clear();
        _messages.Clear();
        _errorCodes.Clear();
        _signals.Clear();
        _escalations.Clear();
        XDocument document;
        try
        {
            document = XDocument.Parse(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new BpmnValidationException([new BpmnError("definitions", $"The file is not well-formed XML: {ex.Message}")]);
        }

        var root = document.Root;
        if (root is null || root.Name != BpmnNs + "definitions")
        {
            throw new BpmnValidationException([new BpmnError("definitions", "The root element must be bpmn:definitions (BPMN 2.0 namespace).")]);
        }

        var processes = root.Elements(BpmnNs + "process").ToList();
        var executable = processes.Count == 1 ? processes : processes.Where(p => (string?)p.Attribute("isExecutable") == "true").ToList();
        if (executable.Count != 1)
        {
            throw new BpmnValidationException([new BpmnError("definitions", processes.Count == 0
                ? "The file contains no bpmn:process."
                : "Mark exactly one process isExecutable=\"true\"; this file has " + executable.Count + ".")]);
        }

        foreach (var message in root.Elements(BpmnNs + "message"))
        {
            if ((string?)message.Attribute("id") is { } messageId)
            {
                _messages[messageId] = message;
            }
        }

        foreach (var signal in root.Elements(BpmnNs + "signal"))
        {
            if ((string?)signal.Attribute("id") is { } signalId)
            {
                _signals[signalId] = (string?)signal.Attribute("name");
            }
        }

        foreach (var error in root.Elements(BpmnNs + "error"))
        {
            if ((string?)error.Attribute("id") is { } errorId)
            {
                _errorCodes[errorId] = (string?)error.Attribute("errorCode") ?? (string?)error.Attribute("name");
            }
        }

        foreach (var escalation in root.Elements(BpmnNs + "escalation"))
        {
            if ((string?)escalation.Attribute("id") is { } escalationId)
            {
                _escalations[escalationId] = (string?)escalation.Attribute("escalationCode") ?? (string?)escalation.Attribute("name");
            }
        }

        var process = executable[0];
        var key = (string?)process.Attribute("id");
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new BpmnValidationException([new BpmnError("process", "The process needs an id: it is the process key.")]);
        }

        _associations.Clear();
        foreach (var association in process.Descendants(BpmnNs + "association"))
        {
            if ((string?)association.Attribute("sourceRef") is { } from && (string?)association.Attribute("targetRef") is { } to)
            {
                _associations[from] = to;
            }
        }

        if (process.Element(BpmnNs + "extensionElements")?.Elements().Any(e => e.Name.Namespace == CamundaNs && e.Name.LocalName == "executionListener") == true)
        {
            _errors.Add(new BpmnError(key, "Execution listeners on the process itself are not run here; put them on its start or end event."));
        }

        ReadScope(process, scopeId: null);
        JoinLinks(process);
        LinkFlows();
        // Structural checks run even when elements had errors, so one deploy reports everything.
        new ModelValidator(_nodes, _flows, _errors).Validate(key);

        if (_errors.Count > 0)
        {
            throw new BpmnValidationException(_errors);
        }

        return new ProcessModel
        {
            Key = key,
            Name = (string?)process.Attribute("name"),
            StartableByHand = (string?)process.Attribute(CrmNs + "startableByHand") != "false" && (string?)process.Attribute(CamundaNs + "isStartableInTasklist") != "false",
            Nodes = _nodes.ToFrozenDictionary(StringComparer.Ordinal),
            Flows = _flows.ToFrozenDictionary(StringComparer.Ordinal),
        };
    }

    private void ReadScope(XElement scope, string? scopeId)
    {
        foreach (var element in scope.Elements().Where(e => e.Name.Namespace == BpmnNs))
        {
            var local = element.Name.LocalName;
            if (Passive.Contains(local))
            {
                continue;
            }

            var id = (string?)element.Attribute("id");
            if (string.IsNullOrWhiteSpace(id) && local == "sequenceFlow")
            {
                // The schema makes a flow's id optional: name it after its ends, the same on every deploy of the same XML.
                id = FlowIdFor(element);
            }

            if (string.IsNullOrWhiteSpace(id))
            {
                _errors.Add(new BpmnError(local, $"A {local} has no id."));
                continue;
            }

            if (local == "sequenceFlow")
            {
                ReadFlow(element, id);
                continue;
            }

            var kind = KindOf(element, id);
            if (kind is null)
            {
                continue;
            }

            if (_nodes.ContainsKey(id) || _flows.ContainsKey(id))
            {
                _errors.Add(new BpmnError(id, "The id is used twice."));
                continue;
            }

            _nodes[id] = BuildNode(element, id, kind.Value, scopeId);
            if (kind is NodeKind.SubProcess or NodeKind.EventSubProcess)
            {
                ReadScope(element, id);
            }
        }
    }

    private NodeKind? KindOf(XElement element, string id)
    {
        var local = element.Name.LocalName;
        var definitions = element.Elements().Where(e => e.Name.Namespace == BpmnNs && e.Name.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal)).ToList();
        var trigger = definitions.Count == 1 ? definitions[0].Name.LocalName : definitions.Count == 0 ? "" : "several";
        NodeKind? kind = (local, trigger) switch
        {
            // An error start belongs to an event sub-process (the validator says so otherwise).
            // A compensation start belongs to an event sub-process of an embedded sub-process (the validator says so otherwise).
            ("startEvent", "" or "timerEventDefinition" or "messageEventDefinition" or "signalEventDefinition" or "errorEventDefinition" or "escalationEventDefinition" or "conditionalEventDefinition" or "compensateEventDefinition") => NodeKind.StartEvent,
            // A cancel end event belongs directly inside a transaction (the validator says so otherwise).
            ("endEvent", "" or "signalEventDefinition" or "escalationEventDefinition" or "compensateEventDefinition" or "cancelEventDefinition") => NodeKind.EndEvent,
            // A message throw or end event runs its handler (send an e-mail, call a system) like a service task;
            // without one it passes, as in Camunda 7.
            ("endEvent" or "intermediateThrowEvent", "messageEventDefinition") when HasHandler(element) => NodeKind.ServiceTask,
            ("endEvent", "messageEventDefinition") => NodeKind.EndEvent,
            ("intermediateThrowEvent", "messageEventDefinition") => NodeKind.IntermediateThrowEvent,
            ("endEvent", "terminateEventDefinition") => NodeKind.TerminateEndEvent,
            ("endEvent", "errorEventDefinition") => NodeKind.ErrorEndEvent,
            ("intermediateCatchEvent", "timerEventDefinition" or "messageEventDefinition" or "signalEventDefinition" or "conditionalEventDefinition") => NodeKind.IntermediateCatchEvent,
            ("intermediateThrowEvent", "" or "signalEventDefinition" or "linkEventDefinition" or "escalationEventDefinition" or "compensateEventDefinition") => NodeKind.IntermediateThrowEvent,
            // A link catch passes straight through: the flow arrives from its link throws (LinkFlows joins them).
            ("intermediateCatchEvent", "linkEventDefinition") => NodeKind.IntermediateThrowEvent,
            ("boundaryEvent", "timerEventDefinition" or "messageEventDefinition" or "errorEventDefinition" or "signalEventDefinition" or "escalationEventDefinition" or "conditionalEventDefinition" or "compensateEventDefinition" or "cancelEventDefinition") => NodeKind.BoundaryEvent,
            ("userTask", "") => NodeKind.UserTask,
            ("serviceTask" or "sendTask", "") => NodeKind.ServiceTask,
            // With a decision reference it evaluates a DMN table; otherwise it runs a handler like a service task.
            ("businessRuleTask", "") => OurOrCamunda(element, "decisionRef") is not null ? NodeKind.BusinessRuleTask : NodeKind.ServiceTask,
            ("scriptTask", "") => NodeKind.ScriptTask,
            ("manualTask", "") => NodeKind.ManualTask,
            ("task", "") => NodeKind.Task,
            ("receiveTask", "") => NodeKind.ReceiveTask,
            ("callActivity", "") => NodeKind.CallActivity,
            ("exclusiveGateway", "") => NodeKind.ExclusiveGateway,
            ("parallelGateway", "") => NodeKind.ParallelGateway,
            ("inclusiveGateway", "") => NodeKind.InclusiveGateway,
            ("eventBasedGateway", "") => NodeKind.EventBasedGateway,
            ("complexGateway", "") => NodeKind.ComplexGateway,
            ("subProcess", "") when (string?)element.Attribute("triggeredByEvent") != "true" => NodeKind.SubProcess,
            ("subProcess", "") => NodeKind.EventSubProcess,
            // A transaction runs as an embedded sub-process; a cancel end event inside it compensates and cancels it.
            ("transaction", "") => NodeKind.SubProcess,
            _ => null,
        };
        if (kind is null && local == "adHocSubProcess")
        {
            _errors.Add(new BpmnError(id, "Unsupported element: adHocSubProcess (Camunda 7 does not run ad-hoc sub-processes either); model the free order with a gateway or event sub-processes."));
            return null;
        }

        if (kind is null)
        {
            var what = definitions.Count > 0 ? $"{local} with {string.Join(", ", definitions.Select(d => d.Name.LocalName))}" : local;
            _errors.Add(new BpmnError(id, $"Unsupported element: {what}."));
        }

        return kind;
    }

    private FlowNode BuildNode(XElement element, string id, NodeKind kind, string? scopeId)
    {
        var asyncAfter = IsTrue(element, "asyncAfter");
        if (asyncAfter && kind is NodeKind.ExclusiveGateway or NodeKind.ParallelGateway or NodeKind.InclusiveGateway or NodeKind.EventBasedGateway or NodeKind.ComplexGateway)
        {
            _errors.Add(new BpmnError(id, "asyncAfter on a gateway is not supported; mark the next element async (asyncBefore) instead."));
        }

        return new FlowNode
        {
            Id = id,
            Name = (string?)element.Attribute("name"),
            Kind = kind,
            ScopeId = scopeId,
            DefaultFlowId = (string?)element.Attribute("default"),
            Inputs = ReadMappings(element, id, "inputParameter", "input"),
            Outputs = ReadMappings(element, id, "outputParameter", "output"),
            UserTask = kind == NodeKind.UserTask ? ReadUserTask(element, id) : null,
            ServiceTask = kind == NodeKind.ServiceTask ? ReadServiceTask(element, id) : null,
            ScriptTask = kind == NodeKind.ScriptTask ? ReadScriptTask(element, id) : null,
            BusinessRule = kind == NodeKind.BusinessRuleTask ? ReadBusinessRule(element, id) : null,
            Event = ReadEvent(element, id, kind),
            Boundary = kind == NodeKind.BoundaryEvent ? ReadBoundary(element, id) : null,
            CallActivity = kind == NodeKind.CallActivity ? ReadCallActivity(element, id) : null,
            MultiInstance = ReadMultiInstance(element, id),
            StandardLoop = ReadStandardLoop(element, id, kind),
            ActivationCondition = kind == NodeKind.ComplexGateway ? OptionalCondition(element, id, "activationCondition") : null,
            AsyncBefore = IsTrue(element, "async") || IsTrue(element, "asyncBefore") || (string?)element.Attribute(CamundaNs + "async") == "true",
            AsyncAfter = asyncAfter,
            RetryCycle = ReadRetryCycle(element, id),
            StartForm = kind == NodeKind.StartEvent ? ReadStartForm(element, id) : null,
            Interrupting = kind != NodeKind.StartEvent || (string?)element.Attribute("isInterrupting") != "false",
            IsForCompensation = (string?)element.Attribute("isForCompensation") == "true",
            Listeners = ReadListeners(element, id),
            IsTransaction = element.Name.LocalName == "transaction",
        };
    }

    private string? ReadStartForm(XElement element, string id)
    {
        var schema = Extension(element, "formSchema")?.Value ?? Extension(element, "form")?.Value;
        return string.IsNullOrWhiteSpace(schema) ? null : ValidateFormSchema(id, schema.Trim());
    }

    private void ReadFlow(XElement element, string id)
    {
        var source = (string?)element.Attribute("sourceRef");
        var target = (string?)element.Attribute("targetRef");
        if (string.IsNullOrWhiteSpace(source) || string.IsNullOrWhiteSpace(target))
        {
            _errors.Add(new BpmnError(id, "The sequence flow needs both sourceRef and targetRef."));
            return;
        }

        if (element.Element(BpmnNs + "extensionElements")?.Elements().Any(e => e.Name.Namespace == CamundaNs && e.Name.LocalName == "executionListener") == true)
        {
            _errors.Add(new BpmnError(id, "Listeners on a sequence flow ('take') are not run here; put them on the element it leads to."));
        }

        var conditionText = element.Element(BpmnNs + "conditionExpression")?.Value;
        var condition = string.IsNullOrWhiteSpace(conditionText) ? null : ScriptExpression(id, conditionText);
        _flows[id] = new SequenceFlow(id, (string?)element.Attribute("name"), source, target, condition);
    }

    private string FlowIdFor(XElement flow)
    {
        var baseId = $"flow_{(string?)flow.Attribute("sourceRef")}_{(string?)flow.Attribute("targetRef")}";
        var id = baseId;
        for (var n = 2; _flows.ContainsKey(id) || _nodes.ContainsKey(id); n++)
        {
            id = $"{baseId}_{n}";
        }

        return id;
    }

    /// <summary>A reference to a root element (message, error), written plain or with a namespace prefix (<c>tns:newInvoice</c>).</summary>
    private static string? LocalRef(string? reference) =>
        reference is { } text && text.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? text[(colon + 1)..] : reference;

    /// <summary>Link events (a "go to" drawn as a pair): each link throw flows on to the link catch of the same name in its scope.</summary>
    private void JoinLinks(XElement process)
    {
        static string? LinkName(XElement e) => (string?)e.Element(BpmnNs + "linkEventDefinition")?.Attribute("name");
        var catches = process.Descendants(BpmnNs + "intermediateCatchEvent").Where(e => LinkName(e) is not null).ToList();
        foreach (var throwing in process.Descendants(BpmnNs + "intermediateThrowEvent").Where(e => LinkName(e) is not null))
        {
            var id = (string?)throwing.Attribute("id") ?? "";
            var target = catches.FirstOrDefault(c => LinkName(c) == LinkName(throwing) && c.Parent == throwing.Parent);
            if (target is null)
            {
                _errors.Add(new BpmnError(id, $"No link catch event named '{LinkName(throwing)}' in the same (sub-)process."));
                continue;
            }

            var flowId = $"link_{id}_{(string?)target.Attribute("id")}";
            _flows[flowId] = new SequenceFlow(flowId, null, id, (string?)target.Attribute("id") ?? "", null);
        }
    }

    private void LinkFlows()
    {
        foreach (var flow in _flows.Values)
        {
            if (!_nodes.ContainsKey(flow.SourceId))
            {
                _errors.Add(new BpmnError(flow.Id, $"The flow starts at '{flow.SourceId}', which does not exist."));
            }

            if (!_nodes.ContainsKey(flow.TargetId))
            {
                _errors.Add(new BpmnError(flow.Id, $"The flow leads to '{flow.TargetId}', which does not exist."));
            }
        }

        foreach (var node in _nodes.Values)
        {
            // Document order, so "first matching condition" in an exclusive gateway is the order people drew.
            node.Outgoing = [.. _flows.Values.Where(f => f.SourceId == node.Id)];
            node.Incoming = [.. _flows.Values.Where(f => f.TargetId == node.Id)];
            node.Boundaries = [.. _nodes.Values.Where(b => b.Boundary?.AttachedToId == node.Id)];
        }
    }

    private UserTaskSpec ReadUserTask(XElement element, string id)
    {
        var formSchema = Extension(element, "formSchema")?.Value ?? Extension(element, "form")?.Value;
        var (performer, ownerUsers, ownerGroups) = ReadResourceAssignments(element, id);
        return new UserTaskSpec(
            Assignee: AttributeExpression(element, id, "assignee") ?? performer,
            CandidateUsers: AttributeExpression(element, id, "candidateUsers") ?? ownerUsers,
            CandidateGroups: AttributeExpression(element, id, "candidateGroups") ?? ownerGroups,
            DueDate: AttributeExpression(element, id, "dueDate"),
            FollowUpDate: AttributeExpression(element, id, "followUpDate"),
            Priority: AttributeExpression(element, id, "priority"),
            FormKey: OurOrCamunda(element, "formKey"),
            FormSchema: string.IsNullOrWhiteSpace(formSchema) ? null : ValidateFormSchema(id, formSchema.Trim()))
        {
            Writes = [.. ((string?)element.Attribute(CrmNs + "writes") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Concat(element.Element(BpmnNs + "extensionElements")?.Element(CamundaNs + "formData")?.Elements(CamundaNs + "formField")
                    .Select(f => (string?)f.Attribute("id")).OfType<string>() ?? [])
                .Distinct(StringComparer.Ordinal)],
            // "Review ${customer}": the task's name is evaluated when it is created, as Camunda does.
            Name = (string?)element.Attribute("name") is { } name && (name.Contains("${", StringComparison.Ordinal) || name.Contains("#{", StringComparison.Ordinal))
                ? ValueExpression(id, name) : null,
        };
    }

    /// <summary>
    /// Standard BPMN people assignment, read as Camunda does: <c>humanPerformer</c> is the assignee; <c>potentialOwner</c>
    /// lists candidates as <c>user(kermit), group(management)</c>, a name without a prefix being a group.
    /// </summary>
    private (Expression? Assignee, Expression? Users, Expression? Groups) ReadResourceAssignments(XElement element, string id)
    {
        static string? Formal(XElement? role) => role?.Element(BpmnNs + "resourceAssignmentExpression")?.Element(BpmnNs + "formalExpression")?.Value.Trim();

        var performer = Formal(element.Element(BpmnNs + "humanPerformer"));
        var users = new List<string>();
        var groups = new List<string>();
        foreach (var owner in element.Elements(BpmnNs + "potentialOwner").Select(Formal).OfType<string>())
        {
            foreach (var part in SplitOutsideBraces(owner))
            {
                if (part.StartsWith("user(", StringComparison.Ordinal) && part.EndsWith(')'))
                {
                    users.Add(part[5..^1].Trim());
                }
                else if (part.StartsWith("group(", StringComparison.Ordinal) && part.EndsWith(')'))
                {
                    groups.Add(part[6..^1].Trim());
                }
                else
                {
                    groups.Add(part);
                }
            }
        }

        return (string.IsNullOrWhiteSpace(performer) ? null : ValueExpression(id, performer),
            users.Count == 0 ? null : ValueExpression(id, string.Join(',', users)),
            groups.Count == 0 ? null : ValueExpression(id, string.Join(',', groups)));
    }

    /// <summary>Comma-separated parts, commas inside <c>${…}</c> kept.</summary>
    private static IEnumerable<string> SplitOutsideBraces(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                if (text[start..i].Trim() is { Length: > 0 } part)
                {
                    yield return part;
                }

                start = i + 1;
            }
            else if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}')
            {
                depth--;
            }
        }
    }

    private ServiceTaskSpec? ReadServiceTask(XElement element, string id)
    {
        // A message throw or end event may carry its implementation on its messageEventDefinition.
        var definition = element.Element(BpmnNs + "messageEventDefinition");
        var handler = OurOrCamunda(element, "handler") ?? OurOrCamunda(element, "type")
            ?? (definition is null ? null : OurOrCamunda(definition, "handler") ?? OurOrCamunda(definition, "type"));
        if (string.IsNullOrWhiteSpace(handler))
        {
            var java = new[] { element, definition }.OfType<XElement>().Any(e => OurOrCamunda(e, "class") is not null || OurOrCamunda(e, "expression") is not null || OurOrCamunda(e, "delegateExpression") is not null);
            _errors.Add(new BpmnError(id, java
                ? "Java delegates (camunda:class, expression, delegateExpression) cannot run here: use camunda:type with a handler from the catalogue, or \"external\" with a topic for a worker."
                : "The service task needs crm:handler naming a handler type."));
            return null;
        }

        if (handler == ServiceTaskSpec.External)
        {
            var topic = OurOrCamunda(element, "topic") ?? (definition is null ? null : OurOrCamunda(definition, "topic"));
            if (string.IsNullOrWhiteSpace(topic))
            {
                _errors.Add(new BpmnError(id, "An external task needs camunda:topic: workers fetch tasks by topic."));
            }

            var priority = OurOrCamunda(element, "taskPriority");
            return new ServiceTaskSpec(handler) { Topic = topic?.Trim(), Priority = string.IsNullOrWhiteSpace(priority) ? null : ValueExpression(id, priority) };
        }

        if (!isKnownHandler(handler))
        {
            _errors.Add(new BpmnError(id, $"Unknown handler type '{handler}'."));
        }

        return new ServiceTaskSpec(handler);
    }

    private BusinessRuleSpec? ReadBusinessRule(XElement element, string id)
    {
        var reference = OurOrCamunda(element, "decisionRef")!;
        var binding = (OurOrCamunda(element, "decisionRefBinding") ?? "latest").Trim();
        int? version = null;
        if (binding == "version")
        {
            if (!int.TryParse(OurOrCamunda(element, "decisionRefVersion"), NumberStyles.None, CultureInfo.InvariantCulture, out var pinned) || pinned < 1)
            {
                _errors.Add(new BpmnError(id, "decisionRefBinding=\"version\" needs decisionRefVersion, a version number."));
            }

            version = pinned;
        }
        else if (binding is not ("latest" or "deployment"))
        {
            _errors.Add(new BpmnError(id, $"decisionRefBinding '{binding}' is not supported; use latest or version."));
        }

        var mapping = (OurOrCamunda(element, "mapDecisionResult") ?? "resultList").Trim() switch
        {
            "resultList" => DecisionResultMapping.ResultList,
            "singleResult" => DecisionResultMapping.SingleResult,
            "singleEntry" => DecisionResultMapping.SingleEntry,
            "collectEntries" => DecisionResultMapping.CollectEntries,
            var other => Refuse(other),
        };
        var result = OurOrCamunda(element, "resultVariable");
        return new BusinessRuleSpec(ValueExpression(id, reference), version, string.IsNullOrWhiteSpace(result) ? null : result.Trim(), mapping);

        DecisionResultMapping Refuse(string other)
        {
            _errors.Add(new BpmnError(id, $"mapDecisionResult '{other}' is not one of resultList, singleResult, singleEntry, collectEntries."));
            return DecisionResultMapping.ResultList;
        }
    }

    private ScriptTaskSpec? ReadScriptTask(XElement element, string id)
    {
        var format = ((string?)element.Attribute("scriptFormat") ?? "javascript").Trim().ToLowerInvariant();
        var juel = format == "juel";
        if (!juel && format is not ("javascript" or "js" or "ecmascript" or "application/javascript" or "text/javascript"))
        {
            _errors.Add(new BpmnError(id, $"Script format '{format}' is not supported; use javascript or juel."));
            return null;
        }

        var script = element.Element(BpmnNs + "script")?.Value;
        if (string.IsNullOrWhiteSpace(script))
        {
            _errors.Add(new BpmnError(id, "The script task has no script."));
            return null;
        }

        if (juel)
        {
            // A JUEL script is one expression (or text with expressions): its value is the result.
            var expression = ValueExpression(id, script);
            script = expression.IsLiteral ? System.Text.Json.JsonSerializer.Serialize(expression.Source) : expression.Source;
        }

        CheckScript(id, script);
        return new ScriptTaskSpec(script, OurOrCamunda(element, "resultVariable"));
    }

    private List<Mapping> ReadMappings(XElement element, string id, string camundaName, string crmName)
    {
        var mappings = new List<Mapping>();
        var extensions = element.Element(BpmnNs + "extensionElements");
        if (extensions is null)
        {
            return mappings;
        }

        var candidates = extensions.Elements(CrmNs + crmName)
            .Concat(extensions.Elements(CamundaNs + "inputOutput").Elements(CamundaNs + camundaName));
        foreach (var mapping in candidates)
        {
            var name = (string?)mapping.Attribute("name") ?? (string?)mapping.Attribute("target");
            if (string.IsNullOrWhiteSpace(name))
            {
                _errors.Add(new BpmnError(id, $"A {crmName} mapping has no name."));
                continue;
            }

            // Camunda's structured values: <camunda:list>, <camunda:map>, <camunda:script> (else the text or value attribute).
            if (mapping.Elements().FirstOrDefault(e => e.Name.Namespace == CamundaNs) is { } structured)
            {
                if (StructuredValue(structured, id) is { } built)
                {
                    mappings.Add(new Mapping(name, Expression.Script(built)));
                }

                continue;
            }

            var value = (string?)mapping.Attribute("value") ?? (string?)mapping.Attribute("source") ?? mapping.Value;
            var expression = string.IsNullOrWhiteSpace(value) ? Expression.Literal("") : ValueExpression(id, value);
            mappings.Add(new Mapping(name, expression));
        }

        return mappings;
    }

    /// <summary>
    /// Camunda listeners: script execution listeners on start and end run; anything else (Java classes, expressions,
    /// task listeners, "take") would be silently skipped, so it is a deploy error naming the element.
    /// </summary>
    private List<ListenerSpec> ReadListeners(XElement element, string id)
    {
        var listeners = new List<ListenerSpec>();
        var extensions = element.Element(BpmnNs + "extensionElements");
        if (extensions is null)
        {
            return listeners;
        }

        foreach (var listener in extensions.Elements().Where(e => e.Name.Namespace == CamundaNs && e.Name.LocalName is "executionListener" or "taskListener"))
        {
            var kind = listener.Name.LocalName;
            var eventName = ((string?)listener.Attribute("event") ?? "").Trim();
            if (listener.Element(CamundaNs + "script") is not { } script || kind == "taskListener" || eventName is not ("start" or "end"))
            {
                _errors.Add(new BpmnError(id, kind == "taskListener" || eventName is not ("start" or "end")
                    ? $"A camunda:{kind} on '{eventName}' is not run here; only script execution listeners on start and end are."
                    : "A listener with a Java class, expression or delegate expression cannot run here; write it as a camunda:script (javascript)."));
                continue;
            }

            if (StructuredValue(script, id) is { } source)
            {
                listeners.Add(new ListenerSpec(eventName, source));
            }
        }

        return listeners;
    }

    /// <summary>A <c>camunda:list</c>, <c>camunda:map</c> or <c>camunda:script</c> as one JavaScript expression (nested ones too).</summary>
    private string? StructuredValue(XElement element, string id)
    {
        switch (element.Name.LocalName)
        {
            case "list":
                return "[" + string.Join(", ", element.Elements().Where(e => e.Name.Namespace == CamundaNs).Select(e => Item(e, id))) + "]";
            case "map":
                return "({" + string.Join(", ", element.Elements(CamundaNs + "entry").Select(e =>
                    System.Text.Json.JsonSerializer.Serialize((string?)e.Attribute("key") ?? "") + ": " + Item(e, id))) + "})";
            case "script":
                var format = ((string?)element.Attribute("scriptFormat") ?? "javascript").Trim().ToLowerInvariant();
                if (format is not ("javascript" or "js" or "ecmascript" or "juel"))
                {
                    _errors.Add(new BpmnError(id, $"Script format '{format}' is not supported in a mapping; use javascript or juel."));
                    return null;
                }

                if ((string?)element.Attribute("resource") is not null)
                {
                    _errors.Add(new BpmnError(id, "A mapping script from a resource file is not supported; put the script in the model."));
                    return null;
                }

                // A JavaScript mapping's value is the value of its last statement, as a script task's result.
                var source = format == "juel" ? ExpressionEngine.FromModelText(element.Value) : element.Value.Trim();
                CheckScript(id, source);
                return source;
            default:
                _errors.Add(new BpmnError(id, $"camunda:{element.Name.LocalName} in a mapping is not supported; use a value, list, map or script."));
                return null;
        }
    }

    /// <summary>One value of a list or map: nested structures, or text that may hold an expression.</summary>
    private string Item(XElement element, string id)
    {
        if (element.Elements().FirstOrDefault(e => e.Name.Namespace == CamundaNs) is { } nested)
        {
            return StructuredValue(nested, id) ?? "null";
        }

        var expression = ValueExpression(id, element.Value);
        return expression.IsLiteral ? System.Text.Json.JsonSerializer.Serialize(expression.Source) : "(" + expression.Source + ")";
    }

    private Expression? AttributeExpression(XElement element, string id, string name)
    {
        var text = OurOrCamunda(element, name);
        return string.IsNullOrWhiteSpace(text) ? null : ValueExpression(id, text);
    }

    /// <summary>
    /// <c>${…}</c> or <c>=…</c> is an expression (its value keeps its type); text with expressions inside
    /// (<c>kermit_${loopCounter}</c>, <c>Invoice ${no} from ${customer}</c>) is a string built as Camunda builds it;
    /// other attribute text is a literal ("anna", "sales,office").
    /// </summary>
    private Expression ValueExpression(string id, string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('='))
        {
            return ScriptExpression(id, trimmed[1..]);
        }

        var parts = TemplateParts(trimmed);
        if (parts is null)
        {
            return Expression.Literal(trimmed);
        }

        if (parts is [(true, var single)])
        {
            return ScriptExpression(id, "${" + single + "}");
        }

        // "" + String(expression) + "literal" …: always a string, as a mixed expression is in Camunda.
        var source = string.Join(" + ", parts.Select(p => p.IsExpression
            ? "String(" + ExpressionEngine.FromModelText("${" + p.Text + "}") + ")"
            : System.Text.Json.JsonSerializer.Serialize(p.Text)).Prepend("\"\""));
        return ScriptExpression(id, source);
    }

    /// <summary>The literal and <c>${…}</c>/<c>#{…}</c> parts of a text, or null when it holds no expression.</summary>
    private static List<(bool IsExpression, string Text)>? TemplateParts(string text)
    {
        if (!text.Contains("${", StringComparison.Ordinal) && !text.Contains("#{", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<(bool, string)>();
        var literal = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if ((text[i] == '$' || text[i] == '#') && i + 1 < text.Length && text[i + 1] == '{')
            {
                var depth = 0;
                var end = -1;
                for (var j = i + 1; j < text.Length; j++)
                {
                    if (text[j] == '{') depth++;
                    else if (text[j] == '}' && --depth == 0)
                    {
                        end = j;
                        break;
                    }
                }

                if (end < 0)
                {
                    return null;   // an unclosed ${ is text, as before
                }

                if (literal.Length > 0)
                {
                    parts.Add((false, literal.ToString()));
                    literal.Clear();
                }

                parts.Add((true, text[(i + 2)..end]));
                i = end;
                continue;
            }

            literal.Append(text[i]);
        }

        if (literal.Length > 0)
        {
            parts.Add((false, literal.ToString()));
        }

        return parts;
    }

    private Expression ScriptExpression(string id, string text)
    {
        var source = ExpressionEngine.FromModelText(text);
        CheckScript(id, source);
        return Expression.Script(source);
    }

    private void CheckScript(string id, string source)
    {
        if (ExpressionEngine.Check(source) is { } problem)
        {
            _errors.Add(new BpmnError(id, $"The expression '{Shorten(source)}' does not parse: {problem}"));
        }
    }

    private string? ValidateFormSchema(string id, string schema)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(schema);
            return schema;
        }
        catch (System.Text.Json.JsonException ex)
        {
            _errors.Add(new BpmnError(id, $"The form schema is not valid JSON: {ex.Message}"));
            return null;
        }
    }

    private static bool IsTrue(XElement element, string name) =>
        string.Equals(OurOrCamunda(element, name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A message throw or end event with an implementation: on the event, or (as Camunda Modeler writes it) on its messageEventDefinition.</summary>
    private static bool HasHandler(XElement element) =>
        new[] { element, element.Element(BpmnNs + "messageEventDefinition") }.OfType<XElement>()
            .Any(e => ImplementationAttributes.Any(name => !string.IsNullOrWhiteSpace(OurOrCamunda(e, name))));

    private static readonly string[] ImplementationAttributes = ["handler", "type", "class", "expression", "delegateExpression"];

    private static string? OurOrCamunda(XElement element, string name) =>
        (string?)element.Attribute(CrmNs + name) ?? (string?)element.Attribute(CamundaNs + name) ?? (string?)element.Attribute(ActivitiNs + name);

    private static XElement? Extension(XElement element, string name) =>
        element.Element(BpmnNs + "extensionElements")?.Element(CrmNs + name);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
