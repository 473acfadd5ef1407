using Crm.Platform.Persistence;
using Crm.Workflow.Model;
using Xunit;

namespace Crm.Engine.Tests.Camunda;

/// <summary>
/// Transactions (<c>bpmn:transaction</c>) with cancel end and cancel boundary events, and compensation event
/// sub-processes, as Camunda 7 runs them. The models are in <c>Models/</c>, named after what they test.
/// </summary>
public abstract class TransactionTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private const string Head = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                     targetNamespace="http://camunda.org/examples" id="definitions">
        """;

    private Task<Crm.Workflow.Processes.DefinitionView> DeployModelAsync(string name) =>
        Engine.DeployXmlAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Camunda", "Models", name + ".bpmn")));

    private static object Trip(string decision) => new { booked = Array.Empty<string>(), undone = Array.Empty<string>(), decision };

    private static string[] Strings(System.Text.Json.Nodes.JsonNode? array) => [.. array!.AsArray().Select(v => v!.GetValue<string>())];

    [Fact]
    public async Task CancelEnd_CancelsTheRest_RunsTheHandlersNewestFirst_ThenLeavesByTheCancelBoundary()
    {
        RequireDatabase();
        await DeployModelAsync("transaction-cancel-compensates");
        var trip = await Engine.StartAsync("tripTransaction", Trip("cancel"));
        Assert.Equal(["confirm", "informCustomer"], (await Engine.InstanceAsync(trip.Id)).ActiveElementIds.Order(StringComparer.Ordinal));

        await Engine.CompleteAsync(await Engine.TaskAtAsync(trip.Id, "confirm"));
        // The side task is cancelled; the flight's handler (booked last) runs first and waits for a person.
        var compensating = await Engine.InstanceAsync(trip.Id);
        Assert.Equal(["undoFlight"], compensating.ActiveElementIds);
        Assert.DoesNotContain(await Engine.OpenTasksAsync(trip.Id), t => t.ElementId == "informCustomer");
        Assert.Empty(Strings(compensating.Variables["undone"]));

        await Engine.CompleteAsync(await Engine.TaskAtAsync(trip.Id, "undoFlight"));
        var cancelled = await Engine.InstanceAsync(trip.Id);
        Assert.Equal(["apologise"], cancelled.ActiveElementIds);
        Assert.Equal(["hotel"], Strings(cancelled.Variables["undone"]));
        var history = await Engine.HistoryAsync(trip.Id);
        Assert.Contains(history, h => h.Type == "CompensationThrown" && h.ElementId == "cancelled");
        Assert.Contains(history, h => h.Type == "ElementCancelled" && h.ElementId == "booking");
        Assert.DoesNotContain(history, h => h.ElementId == "travel");

        await Engine.CompleteAsync(await Engine.TaskAtAsync(trip.Id, "apologise"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(trip.Id)).State);
    }

    [Fact]
    public async Task NormalEnd_CompletesTheTransaction_AndAnErrorIsCaughtAsFromASubProcess_WithoutCompensation()
    {
        RequireDatabase();
        await DeployModelAsync("transaction-cancel-compensates");
        var confirmed = await Engine.StartAsync("tripTransaction", Trip("ok"));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(confirmed.Id, "confirm"));
        Assert.Equal(["informCustomer"], (await Engine.InstanceAsync(confirmed.Id)).ActiveElementIds);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(confirmed.Id, "informCustomer"));
        var travelling = await Engine.InstanceAsync(confirmed.Id);
        Assert.Equal(["travel"], travelling.ActiveElementIds);
        Assert.Empty(Strings(travelling.Variables["undone"]));

        var failed = await Engine.StartAsync("tripTransaction", Trip("error"));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(failed.Id, "confirm"));
        var investigating = await Engine.InstanceAsync(failed.Id);
        Assert.Equal(["investigate"], investigating.ActiveElementIds);
        Assert.Empty(Strings(investigating.Variables["undone"]));
        Assert.DoesNotContain(await Engine.OpenTasksAsync(failed.Id), t => t.ElementId == "informCustomer");
    }

    [Fact]
    public async Task CompensationEventSubProcess_RunsInsteadOfTheInnerHandlers_SeesTheSubProcessVariables_AndMayCompensateThem()
    {
        RequireDatabase();
        await DeployModelAsync("compensation-event-subprocess");
        var failed = await Engine.StartAsync("compensationEventSubProcess", new { order = 42, log = Array.Empty<string>(), payment = "failed" });
        await Engine.CompleteAsync(await Engine.TaskAtAsync(failed.Id, "pay"));
        // The event sub-process ran in the sub-process's scope, compensated the inner activity, and waits at its task.
        var undoing = await Engine.InstanceAsync(failed.Id);
        Assert.Equal(["check", "undoAll"], undoing.ActiveElementIds.Order(StringComparer.Ordinal));
        Assert.Equal(["reserve", "undo R-42", "release"], Strings(undoing.Variables["log"]));

        await Engine.CompleteAsync(await Engine.TaskAtAsync(failed.Id, "check"));
        Assert.Equal(["afterUndo"], (await Engine.InstanceAsync(failed.Id)).ActiveElementIds);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(failed.Id, "afterUndo"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(failed.Id)).State);

        var paid = await Engine.StartAsync("compensationEventSubProcess", new { order = 7, log = Array.Empty<string>(), payment = "ok" });
        await Engine.CompleteAsync(await Engine.TaskAtAsync(paid.Id, "pay"));
        var done = await Engine.InstanceAsync(paid.Id);
        Assert.Equal("Completed", done.State);
        Assert.Equal(["reserve"], Strings(done.Variables["log"]));   // nothing compensated
    }

    [Fact]
    public async Task CancelledTransaction_RunsTheCompensationEventSubProcessOfItsInnerSubProcess()
    {
        RequireDatabase();
        await DeployModelAsync("transaction-cancel-runs-compensation-event-subprocess");
        var started = await Engine.StartAsync("txWithEventSubProcess");
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "beforeCancel"));
        // The event sub-process's throw waits for the inner activity's handler, a person's task.
        Assert.Equal(["rethrow", "undoActivity"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds.Order(StringComparer.Ordinal));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "undoActivity"));
        Assert.Equal(["afterCancel"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        var history = await Engine.HistoryAsync(started.Id);
        Assert.Contains(history, h => h.Type == "ElementEntered" && h.ElementId == "eventSubProcess");
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "afterCancel"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
    }

    [Fact]
    public async Task CancelEventsOutsideATransaction_AndMisplacedCompensationStarts_AreRefused_NamingTheElement()
    {
        RequireDatabase();
        var cancelEnd = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="cancelOutside" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>
                <subProcess id="sub">
                  <startEvent id="subStart"/>
                  <sequenceFlow id="s1" sourceRef="subStart" targetRef="subCancel"/>
                  <endEvent id="subCancel"><cancelEventDefinition/></endEvent>
                </subProcess>
                <boundaryEvent id="subCancelled" attachedToRef="sub"><cancelEventDefinition/></boundaryEvent>
                <sequenceFlow id="f2" sourceRef="subCancelled" targetRef="end"/>
                <sequenceFlow id="f3" sourceRef="sub" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """));
        Assert.Contains(cancelEnd.Errors, e => e.ElementId == "subCancel" && e.Message.Contains("transaction", StringComparison.Ordinal));
        Assert.Contains(cancelEnd.Errors, e => e.ElementId == "subCancelled" && e.Message.Contains("transaction", StringComparison.Ordinal));

        var compensationStart = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="compensationAtTop" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
                <endEvent id="end"/>
                <subProcess id="undo" triggeredByEvent="true">
                  <startEvent id="undoStart"><compensateEventDefinition/></startEvent>
                  <sequenceFlow id="u1" sourceRef="undoStart" targetRef="undoEnd"/>
                  <endEvent id="undoEnd"/>
                </subProcess>
              </process>
            </definitions>
            """));
        Assert.Contains(compensationStart.Errors, e => e.ElementId == "undoStart" && e.Message.Contains("embedded sub-process", StringComparison.Ordinal));

        var adHoc = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="adHoc" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="free"/>
                <adHocSubProcess id="free"><task id="any"/></adHocSubProcess>
                <sequenceFlow id="f2" sourceRef="free" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """));
        Assert.Contains(adHoc.Errors, e => e.ElementId == "free" && e.Message.Contains("adHocSubProcess", StringComparison.Ordinal));
    }
}

public sealed class TransactionOnSqliteTests() : TransactionTests(DatabaseProvider.Sqlite);

public sealed class TransactionOnPostgreSqlTests() : TransactionTests(DatabaseProvider.PostgreSql);
