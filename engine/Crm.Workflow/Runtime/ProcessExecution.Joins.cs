using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>Joining gateways (parallel, inclusive, complex) and standard loops.</summary>
public sealed partial class ProcessExecution
{
    private void JoinParallel(Token token, FlowNode node, SequenceFlow? arrivedBy)
    {
        if (node.Incoming.Count <= 1)
        {
            History(HistoryEventType.ElementLeft, node, null);
            Take(token, [.. node.Outgoing]);
            return;
        }

        state.Tokens.Remove(token);
        state.Joins.Add(new JoinArrival { GatewayId = node.Id, ScopeId = token.ScopeId, FlowId = arrivedBy?.Id ?? "" });
        var waiting = state.Joins.Where(j => j.GatewayId == node.Id && j.ScopeId == token.ScopeId).ToList();
        if (node.Incoming.All(f => waiting.Any(j => j.FlowId == f.Id)))
        {
            foreach (var flow in node.Incoming)
            {
                state.Joins.Remove(waiting.First(j => j.FlowId == flow.Id));
            }

            History(HistoryEventType.ElementLeft, node, null);
            Take(NewToken(node.Id, token.ScopeId), [.. node.Outgoing]);
        }
    }

    /// <summary>
    /// A token reaches a complex join. Before the gateway fired this round, the activation condition decides (it sees
    /// <c>activationCount</c>, the tokens arrived so far); after, the token is swallowed until the round is over.
    /// </summary>
    private void ArriveAtComplexJoin(Token token, FlowNode node, SequenceFlow? arrivedBy)
    {
        state.Tokens.Remove(token);
        var flowId = arrivedBy?.Id ?? "";
        var round = state.Joins.Where(j => j.GatewayId == node.Id && j.ScopeId == token.ScopeId).ToList();
        var fired = round.Any(j => j.Fired);
        if (fired && round.Any(j => j.FlowId == flowId))
        {
            // A second token on a flow that already delivered in a fired round belongs to the next round.
            state.Joins.RemoveAll(j => round.Contains(j));
            round.Clear();
            fired = false;
        }

        state.Joins.Add(new JoinArrival { GatewayId = node.Id, ScopeId = token.ScopeId, FlowId = flowId, Fired = fired });
        if (fired)
        {
            if (node.Incoming.All(f => f.Id == flowId || round.Any(j => j.FlowId == f.Id)))
            {
                state.Joins.RemoveAll(j => j.GatewayId == node.Id && j.ScopeId == token.ScopeId);   // every path delivered: the round is over
            }

            return;   // swallowed
        }

        if (node.ActivationCondition is not { } condition)
        {
            return;   // without a condition FireReadyJoins fires it when nothing more can arrive
        }

        var variables = VariablesFor(token);
        variables["activationCount"] = round.Count + 1;
        if (engine.Expressions.EvaluateCondition(condition, variables, node.Id))
        {
            FireComplexJoin(node, token.ScopeId);
        }
    }

    private void FireComplexJoin(FlowNode node, string scopeId)
    {
        foreach (var arrival in state.Joins.Where(j => j.GatewayId == node.Id && j.ScopeId == scopeId))
        {
            arrival.Fired = true;
        }

        var token = NewToken(node.Id, scopeId);
        History(HistoryEventType.ElementLeft, node, null);
        Take(token, ChooseInclusive(token, node));
    }

    /// <summary>
    /// Joins that wait for "no more tokens can come": an inclusive join (the BPMN 2.0 inclusive-join rule) and a
    /// complex join without an activation condition fire; a complex join that fired starts a new round. True when
    /// something changed.
    /// </summary>
    private bool FireReadyJoins()
    {
        var changed = false;
        foreach (var group in state.Joins.Where(j => model.Node(j.GatewayId).Kind is NodeKind.InclusiveGateway or NodeKind.ComplexGateway)
                     .GroupBy(j => (j.GatewayId, j.ScopeId)).ToList())
        {
            var node = model.Node(group.Key.GatewayId);
            var arrived = group.Select(j => j.FlowId).ToHashSet(StringComparer.Ordinal);
            var missing = node.Incoming.Where(f => !arrived.Contains(f.Id)).ToList();
            var positions = LivePositions(group.Key.ScopeId, node.Id);
            if (missing.Any(f => positions.Any(p => p == f.SourceId || model.CanReach(p, f.SourceId, node.Id))))
            {
                continue;
            }

            if (node.Kind == NodeKind.ComplexGateway)
            {
                if (group.Any(j => j.Fired))
                {
                    state.Joins.RemoveAll(j => group.Contains(j));   // the round is over: the next token starts a new one
                }
                else if (node.ActivationCondition is null)
                {
                    FireComplexJoin(node, group.Key.ScopeId);
                    state.Joins.RemoveAll(j => group.Contains(j));
                }
                else
                {
                    continue;   // its condition did not hold and nothing more can come: it waits, as BPMN says
                }

                changed = true;
                continue;
            }

            foreach (var flowId in arrived)
            {
                state.Joins.Remove(group.First(j => j.FlowId == flowId));
            }

            var token = NewToken(node.Id, group.Key.ScopeId);
            History(HistoryEventType.ElementLeft, node, null);
            Take(token, ChooseInclusive(token, node));
            changed = true;
        }

        return changed;
    }

    /// <summary>Elements of a scope where something may still move: tokens, sub-processes with live content, other joins.</summary>
    private HashSet<string> LivePositions(string scopeId, string excludingGatewayId)
    {
        var positions = state.Tokens.Where(t => t.ScopeId == scopeId).Select(t => t.ElementId).ToHashSet(StringComparer.Ordinal);
        positions.UnionWith(state.Scopes.Where(s => s.ParentId == scopeId).Select(s => s.ElementId!));
        positions.UnionWith(state.Bodies.Where(b => b.ScopeId == scopeId).Select(b => b.ElementId));
        positions.UnionWith(state.Joins.Where(j => j.ScopeId == scopeId && j.GatewayId != excludingGatewayId && !j.Fired).Select(j => j.GatewayId));
        return positions;
    }

    /// <summary>
    /// A token enters an activity with a standard loop: the counter starts at 0; with <c>testBefore</c> the condition
    /// is checked first and, when false, the activity is passed without running. False when it was passed.
    /// </summary>
    private bool StartStandardLoop(Token token, FlowNode node)
    {
        token.LoopCounter = 0;
        var loop = node.StandardLoop!;
        if (!loop.TestBefore || (loop.Maximum != 0 && LoopConditionHolds(token, node)))
        {
            return true;
        }

        token.LoopCounter = null;
        History(HistoryEventType.ElementLeft, node, null);
        Take(token, ChooseActivityFlows(token, node));
        return false;
    }

    /// <summary>After a run of a looping activity: counts it and, while the condition holds and the maximum allows, enters it again.</summary>
    private bool LoopAgain(Token token, FlowNode node)
    {
        if (token.LoopCounter is not { } done || token.Body is not null)
        {
            return false;
        }

        var loop = node.StandardLoop!;
        token.LoopCounter = done + 1;
        if ((loop.Maximum is not { } maximum || done + 1 < maximum) && LoopConditionHolds(token, node))
        {
            token.Waiting = false;
            token.Wait = null;
            Enter(token, null);
            return true;
        }

        token.LoopCounter = null;
        return false;
    }

    /// <summary>Without a condition, a loop runs up to its maximum.</summary>
    private bool LoopConditionHolds(Token token, FlowNode node) =>
        node.StandardLoop!.Condition is not { } condition || engine.Expressions.EvaluateCondition(condition, VariablesFor(token), node.Id);
}
