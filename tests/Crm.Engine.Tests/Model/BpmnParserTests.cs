using Crm.Workflow.Model;
using Xunit;

namespace Crm.Engine.Tests.Model;

public sealed class BpmnParserTests
{
    private static readonly BpmnParser Parser = new(type => type is "test.multiply" or "crm.set-variables");

    private static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Model", name));

    [Fact]
    public void Parse_InvalidModel_ListsEveryErrorWithItsElementId()
    {
        var error = Assert.Throws<BpmnValidationException>(() => new BpmnParser(_ => false).Parse(Read("invalid.bpmn")));

        var byElement = error.Errors.ToLookup(e => e.ElementId);
        Assert.Contains("Unsupported element: adHocSubProcess", byElement["wait"].Single().Message, StringComparison.Ordinal);
        Assert.Contains("Unknown handler type 'no.such.handler'", byElement["call"].Single().Message, StringComparison.Ordinal);
        Assert.Contains("does not parse", byElement["badCondition"].Single().Message, StringComparison.Ordinal);
        Assert.Contains("'ghost', which does not exist", byElement["toNowhere"].Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StructuralErrors_NameGatewayFlowsAndUnreachableNodes()
    {
        const string xml = """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
              <bpmn:process id="p" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
                <bpmn:exclusiveGateway id="gw"/>
                <bpmn:sequenceFlow id="a" sourceRef="gw" targetRef="end"/>
                <bpmn:sequenceFlow id="b" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>x</bpmn:conditionExpression></bpmn:sequenceFlow>
                <bpmn:endEvent id="end"/>
                <bpmn:userTask id="orphan"/>
              </bpmn:process>
            </bpmn:definitions>
            """;

        var error = Assert.Throws<BpmnValidationException>(() => Parser.Parse(xml));

        Assert.Contains(error.Errors, e => e.ElementId == "a" && e.Message.Contains("without a condition", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.ElementId == "orphan" && e.Message.Contains("cannot be reached", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Errors, e => e.ElementId == "b");
    }

    [Fact]
    public void Parse_ProcessWithoutStartEvent_IsRejected()
    {
        const string xml = """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
              <bpmn:process id="nostart" isExecutable="true"><bpmn:userTask id="t"/></bpmn:process>
            </bpmn:definitions>
            """;

        var error = Assert.Throws<BpmnValidationException>(() => Parser.Parse(xml));

        Assert.True(error.Errors.Any(e => e.ElementId == "nostart" && e.Message.Contains("no start event", StringComparison.Ordinal)), string.Join("; ", error.Errors));
    }

    [Fact]
    public void Parse_NotXml_SaysSo()
    {
        var error = Assert.Throws<BpmnValidationException>(() => Parser.Parse("<bpmn:definitions"));

        Assert.Contains("not well-formed XML", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CamundaModelerFile_ReadsCamundaAttributesAndJuelConditions()
    {
        var model = Parser.Parse(Read("camunda-modeler.bpmn"));

        Assert.Equal("Process_Discount", model.Key);
        Assert.Equal("Discount approval", model.Name);
        var task = model.Node("Task_Approve").UserTask!;
        Assert.False(task.Assignee!.IsLiteral);
        Assert.Equal("owner", task.Assignee.Source);
        Assert.Equal("sales,office", task.CandidateGroups!.Source);
        Assert.Equal("embedded:app:forms/approve.html", task.FormKey);
        Assert.Equal("amount > 1000 && ! vip", model.Flows["Flow_Large"].Condition!.Source);
        Assert.Equal(["Flow_Large", "Flow_Small"], model.Node("Gateway_Amount").Outgoing.Select(f => f.Id));
    }
}
