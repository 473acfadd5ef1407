using System.Text.Json.Nodes;
using Crm.Workflow.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

/// <summary>(a) The engine in-process, with history on: start → service task → exclusive gateway → end, one transaction each.</summary>
internal static class StraightThrough
{
    public const string Process = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="bench">
          <bpmn:process id="bench-straight" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
            <bpmn:serviceTask id="compute" crm:handler="crm.set-variables">
              <bpmn:extensionElements><crm:input name="total" value="=amount * 2"/></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="gw"/>
            <bpmn:exclusiveGateway id="gw" default="small"/>
            <bpmn:sequenceFlow id="large" sourceRef="gw" targetRef="endLarge"><bpmn:conditionExpression>total &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="small" sourceRef="gw" targetRef="endSmall"/>
            <bpmn:endEvent id="endLarge"/>
            <bpmn:endEvent id="endSmall"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    public static async Task<double> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        await using var provider = await EngineHost.CreateAsync(options);
        await EngineHost.DeployAsync(provider, Process);
        var owner = EngineHost.Owner;

        var counter = 0;
        return await Load.RunAsync(options, async _ =>
        {
            await using var scope = provider.CreateAsyncScope();
            var amount = Interlocked.Increment(ref counter) % 100;
            var started = await scope.ServiceProvider.GetRequiredService<RuntimeService>().StartAsync(
                new StartInstanceRequest("bench-straight", null, new Dictionary<string, JsonNode?> { ["amount"] = amount }), owner, CancellationToken.None);
            if (started.State != "Completed")
            {
                throw new InvalidOperationException($"instance {started.Id} did not complete: {started.State}");
            }
        }, progress);
    }
}
