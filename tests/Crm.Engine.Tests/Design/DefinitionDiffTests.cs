using Crm.Workflow.Processes.Design;
using Xunit;

namespace Crm.Engine.Tests.Design;

public sealed class DefinitionDiffTests
{
    private const string Before = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC">
          <bpmn:process id="p" isExecutable="true">
            <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gate"/>
            <bpmn:exclusiveGateway id="gate"/>
            <bpmn:sequenceFlow id="big" sourceRef="gate" targetRef="review"><bpmn:conditionExpression>amount &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:userTask id="review" name="Review" crm:candidateGroups="sales"/>
            <bpmn:task id="old"/>
          </bpmn:process>
          <bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="p"><bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="1" y="1" width="100" height="80"/></bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
        </bpmn:definitions>
        """;

    [Fact]
    public void ReportsAddedRemovedAndChanged_IgnoringLayout()
    {
        var after = Before
            .Replace("amount &gt; 1000", "amount &gt; 5000", StringComparison.Ordinal)
            .Replace("crm:candidateGroups=\"sales\"", "crm:candidateGroups=\"office\"", StringComparison.Ordinal)
            .Replace("<bpmn:task id=\"old\"/>", "<bpmn:serviceTask id=\"notify\" crm:handler=\"crm.journal\"/>", StringComparison.Ordinal)
            .Replace("x=\"1\" y=\"1\"", "x=\"300\" y=\"200\"", StringComparison.Ordinal);

        var diff = DefinitionDiff.Compare(Before, after);

        Assert.Equal(["notify:Added", "big:Changed", "review:Changed", "old:Removed"], diff.Select(d => $"{d.ElementId}:{d.Change}"));
        Assert.Contains("crm:candidateGroups: sales → office", diff.Single(d => d.ElementId == "review").Details);
        Assert.Empty(DefinitionDiff.Compare(Before, Before.Replace("x=\"1\"", "x=\"500\"", StringComparison.Ordinal)));
    }
}
