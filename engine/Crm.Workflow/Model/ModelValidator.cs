namespace Crm.Workflow.Model;

/// <summary>Structural rules that need the whole graph: start events, reachability, gateway conditions.</summary>
internal sealed class ModelValidator(
    IReadOnlyDictionary<string, FlowNode> nodes,
    IReadOnlyDictionary<string, SequenceFlow> flows,
    List<BpmnError> errors)
{
    public void Validate(string processKey)
    {
        // Every (event) sub-process is a scope, also an empty one, so an empty one is reported rather than skipped.
        var scopes = nodes.Values.Select(n => n.ScopeId).Concat(nodes.Values.Where(n => n.Kind is NodeKind.SubProcess or NodeKind.EventSubProcess).Select(n => (string?)n.Id)).Distinct().ToList();
        if (!scopes.Contains(null))
        {
            scopes.Insert(0, null);
        }

        foreach (var scope in scopes)
        {
            ValidateScope(scope, processKey);
        }

        foreach (var node in nodes.Values)
        {
            ValidateNode(node);
        }

        foreach (var flow in flows.Values.Where(f => nodes.ContainsKey(f.SourceId) && nodes.ContainsKey(f.TargetId)))
        {
            if (nodes[flow.SourceId].ScopeId != nodes[flow.TargetId].ScopeId)
            {
                errors.Add(new BpmnError(flow.Id, "A sequence flow cannot cross a sub-process boundary."));
            }
        }
    }

    private void ValidateScope(string? scopeId, string processKey)
    {
        var owner = scopeId ?? processKey;
        var starts = nodes.Values.Where(n => n.ScopeId == scopeId && n.Kind == NodeKind.StartEvent).ToList();
        var noneStarts = starts.Where(s => s.Event is null).ToList();
        var eventScope = scopeId is not null && nodes.TryGetValue(scopeId, out var owning) && owning.Kind == NodeKind.EventSubProcess;
        if (eventScope)
        {
            ValidateEventSubProcess(nodes[scopeId!], starts);
        }
        else if (scopeId is null)
        {
            foreach (var errorStart in starts.Where(s => s.Event?.Trigger is TriggerKind.Error or TriggerKind.Escalation or TriggerKind.Condition or TriggerKind.Compensation))
            {
                errors.Add(new BpmnError(errorStart.Id, $"A{errorStart.Event!.Trigger switch { TriggerKind.Error => "n error", TriggerKind.Escalation => "n escalation", TriggerKind.Compensation => " compensation", _ => " conditional" }} start event belongs in an event sub-process."));
            }
        }
        else
        {
            foreach (var triggered in starts.Where(s => s.Event is not null))
            {
                errors.Add(new BpmnError(triggered.Id, "A sub-process starts with a none start event; timer and message starts belong to the process."));
            }
        }

        if (noneStarts.Count == 0 && !eventScope && (scopeId is not null || starts.Count == 0))
        {
            errors.Add(new BpmnError(owner, scopeId is null ? "The process has no start event." : "The sub-process has no start event."));
            return;
        }

        if (noneStarts.Count > 1)
        {
            errors.Add(new BpmnError(owner, $"Only one none start event per scope is supported; found {string.Join(", ", noneStarts.Select(s => s.Id))}."));
        }

        var reached = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<FlowNode>(starts);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!reached.Add(node.Id))
            {
                continue;
            }

            foreach (var flow in node.Outgoing)
            {
                if (nodes.TryGetValue(flow.TargetId, out var target))
                {
                    stack.Push(target);
                }
            }

            foreach (var boundary in node.Boundaries)
            {
                stack.Push(boundary);
            }
        }

        // An event sub-process is entered by its start event's trigger, never by a flow.
        foreach (var node in nodes.Values.Where(n => n.ScopeId == scopeId && !reached.Contains(n.Id) && n.Kind != NodeKind.EventSubProcess && !n.IsForCompensation))
        {
            errors.Add(new BpmnError(node.Id, "The element cannot be reached from the start event."));
        }
    }

    private void ValidateEventSubProcess(FlowNode subProcess, List<FlowNode> starts)
    {
        if (starts.Count != 1 || starts[0].Event is null)
        {
            errors.Add(new BpmnError(subProcess.Id, "An event sub-process has exactly one start event, with a timer, message, signal, error or escalation trigger."));
        }

        if (subProcess.Incoming.Count > 0 || subProcess.Outgoing.Count > 0)
        {
            errors.Add(new BpmnError(subProcess.Id, "An event sub-process has no incoming or outgoing flows."));
        }

        if (subProcess.Boundaries.Count > 0)
        {
            errors.Add(new BpmnError(subProcess.Boundaries[0].Id, "An event sub-process cannot carry boundary events."));
        }

        if (starts is [{ Event.Trigger: TriggerKind.Error, Interrupting: false } errorStart])
        {
            errors.Add(new BpmnError(errorStart.Id, "An error start event always interrupts."));
        }

        if (subProcess.MultiInstance is not null || subProcess.AsyncBefore)
        {
            errors.Add(new BpmnError(subProcess.Id, "An event sub-process cannot be multi-instance or async."));
        }

        if (starts is [{ Event.Trigger: TriggerKind.Compensation } compensationStart])
        {
            // It compensates the sub-process it belongs to, so it needs one (as in Camunda 7).
            var owner = subProcess.ScopeId is { } ownerId && nodes.TryGetValue(ownerId, out var found) ? found : null;
            if (owner?.Kind != NodeKind.SubProcess)
            {
                errors.Add(new BpmnError(compensationStart.Id, "A compensation event sub-process belongs in an embedded sub-process (it compensates that sub-process)."));
            }
            else if (owner.Boundaries.Any(b => b.Event?.Trigger == TriggerKind.Compensation))
            {
                errors.Add(new BpmnError(compensationStart.Id, $"'{owner.Id}' has a compensation boundary event and a compensation event sub-process; keep one of them."));
            }
            else if (nodes.Values.Count(n => n.Kind == NodeKind.EventSubProcess && n.ScopeId == owner.Id
                         && nodes.Values.Any(s => s.ScopeId == n.Id && s.Kind == NodeKind.StartEvent && s.Event?.Trigger == TriggerKind.Compensation)) > 1)
            {
                errors.Add(new BpmnError(compensationStart.Id, $"'{owner.Id}' has more than one compensation event sub-process."));
            }
        }
    }

    private void ValidateNode(FlowNode node)
    {
        if (node.IsForCompensation && (node.Incoming.Count > 0 || node.Outgoing.Count > 0))
        {
            errors.Add(new BpmnError(node.Id, "A compensation handler has no sequence flows: its compensation boundary event starts it."));
        }

        if (node.Kind == NodeKind.StartEvent && node.Incoming.Count > 0)
        {
            errors.Add(new BpmnError(node.Id, "A start event cannot have incoming flows."));
        }

        if (node.Kind is NodeKind.EndEvent or NodeKind.TerminateEndEvent && node.Outgoing.Count > 0)
        {
            errors.Add(new BpmnError(node.Id, "An end event cannot have outgoing flows."));
        }

        if (node.Kind == NodeKind.StartEvent && node.Outgoing.Count == 0)
        {
            errors.Add(new BpmnError(node.Id, "The start event leads nowhere."));
        }

        if (node.DefaultFlowId is { } defaultId && node.Outgoing.All(f => f.Id != defaultId))
        {
            errors.Add(new BpmnError(node.Id, $"The default flow '{defaultId}' is not an outgoing flow of this element."));
        }

        if (node.Kind is NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway && node.Outgoing.Count > 1)
        {
            foreach (var flow in node.Outgoing.Where(f => f.Condition is null && f.Id != node.DefaultFlowId))
            {
                errors.Add(new BpmnError(flow.Id, $"The flow leaves gateway '{node.Id}' without a condition and is not its default flow."));
            }
        }

        // A gateway whose every flow has a condition and no default is allowed; a run where no condition
        // holds fails at that gateway with its id (ProcessExecutionException), never silently.
        if (node.IsGateway && node.Outgoing.Count == 0)
        {
            errors.Add(new BpmnError(node.Id, "The gateway leads nowhere."));
        }

        ValidateEvents(node);
        ValidateTransactionEvents(node);
        if (node.Kind == NodeKind.ParallelGateway)
        {
            foreach (var flow in node.Outgoing.Where(f => f.Condition is not null))
            {
                errors.Add(new BpmnError(flow.Id, "Flows leaving a parallel gateway cannot have conditions."));
            }
        }
    }

    private void ValidateEvents(FlowNode node)
    {
        if (node.Boundary is { } boundary)
        {
            if (!nodes.TryGetValue(boundary.AttachedToId, out var host) || !host.IsActivity)
            {
                errors.Add(new BpmnError(node.Id, $"The boundary event is attached to '{boundary.AttachedToId}', which is not an activity of this process."));
            }
            else if (host.ScopeId != node.ScopeId)
            {
                errors.Add(new BpmnError(node.Id, "The boundary event must be in the same scope as its activity."));
            }

            if (node.Incoming.Count > 0)
            {
                errors.Add(new BpmnError(node.Id, "A boundary event cannot have incoming flows."));
            }

            if (node.Event?.Trigger == TriggerKind.Compensation)
            {
                if (node.Event.CompensationHandlerId is { } handlerId && (!nodes.TryGetValue(handlerId, out var handler) || !handler.IsForCompensation || !handler.IsActivity))
                {
                    errors.Add(new BpmnError(node.Id, $"The compensation handler '{handlerId}' must be an activity marked isForCompensation=\"true\"."));
                }
                else if (node.Event.CompensationHandlerId is { } taskId && nodes[taskId] is var task
                         && (task.Kind is NodeKind.SubProcess or NodeKind.CallActivity || task.MultiInstance is not null || task.Boundaries.Count > 0))
                {
                    errors.Add(new BpmnError(taskId, "A compensation handler is a single task here (no sub-process, call activity, multi-instance or boundary events)."));
                }
            }
            else if (node.Outgoing.Count == 0)
            {
                errors.Add(new BpmnError(node.Id, "The boundary event leads nowhere."));
            }

            if (node.Event?.Trigger == TriggerKind.Escalation && host is not null && host.Kind is not (NodeKind.SubProcess or NodeKind.CallActivity))
            {
                errors.Add(new BpmnError(node.Id, "An escalation boundary event belongs on a sub-process or call activity (escalations are thrown inside one)."));
            }

            if (node.Event?.Trigger == TriggerKind.Error && !boundary.CancelActivity)
            {
                errors.Add(new BpmnError(node.Id, "An error boundary event always interrupts its activity."));
            }
        }

        if (node.Kind == NodeKind.EventBasedGateway)
        {
            if (node.Outgoing.Count < 2)
            {
                errors.Add(new BpmnError(node.Id, "An event-based gateway needs at least two outgoing flows."));
            }

            foreach (var flow in node.Outgoing.Where(f => nodes.TryGetValue(f.TargetId, out var target)
                         && target.Kind is not (NodeKind.IntermediateCatchEvent or NodeKind.ReceiveTask)))
            {
                errors.Add(new BpmnError(flow.Id, "After an event-based gateway come only timer or message catch events or receive tasks."));
            }
        }

        if (node.Kind is NodeKind.IntermediateCatchEvent or NodeKind.ReceiveTask or NodeKind.IntermediateThrowEvent && node.Outgoing.Count == 0 && node.Kind != NodeKind.ReceiveTask)
        {
            errors.Add(new BpmnError(node.Id, "The event leads nowhere."));
        }

        if (node.MultiInstance is not null && !node.IsActivity)
        {
            errors.Add(new BpmnError(node.Id, "Only activities can be multi-instance."));
        }

        if (node.AsyncBefore && node.Kind == NodeKind.BoundaryEvent)
        {
            errors.Add(new BpmnError(node.Id, "A boundary event cannot be async; mark the activity after it."));
        }
    }

    /// <summary>A cancel end event sits directly in a transaction; a cancel boundary event sits on one, at most one per transaction.</summary>
    private void ValidateTransactionEvents(FlowNode node)
    {
        if (node.Event?.Trigger != TriggerKind.Cancel)
        {
            return;
        }

        if (node.Kind == NodeKind.EndEvent && (node.ScopeId is null || !nodes.TryGetValue(node.ScopeId, out var scope) || !scope.IsTransaction))
        {
            errors.Add(new BpmnError(node.Id, "A cancel end event belongs directly inside a transaction."));
        }

        if (node.Kind == NodeKind.BoundaryEvent && node.Boundary is { } boundary && nodes.TryGetValue(boundary.AttachedToId, out var host))
        {
            if (!host.IsTransaction)
            {
                errors.Add(new BpmnError(node.Id, "A cancel boundary event belongs on a transaction."));
            }
            else if (host.Boundaries.Where(b => b.Event?.Trigger == TriggerKind.Cancel).Skip(1).Any(b => b.Id == node.Id))
            {
                errors.Add(new BpmnError(node.Id, $"The transaction '{host.Id}' has more than one cancel boundary event."));
            }
        }
    }
}
