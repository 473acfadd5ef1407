using System.Net.Http.Json;
using System.Text;
using Crm.Platform.Persistence;
using Crm.Server.Tests.Infrastructure;
using Crm.Tests;
using Crm.Tests.Server;
using Npgsql;
using Xunit;

namespace Crm.Server.Tests.Engine;

/// <summary>
/// The job executor under real failure: server processes on PostgreSQL killed with SIGKILL mid-run,
/// two servers sharing one job table, a restart with timers pending. Every instance must complete, and
/// every step's effect (a journal row written in the step's transaction) must exist exactly once.
/// </summary>
public sealed class JobReliabilityTests
{
    private const string Pipeline = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d" targetNamespace="t">
          <bpmn:process id="pipeline" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
            <bpmn:serviceTask id="a" crm:handler="crm.journal" crm:async="true"><bpmn:extensionElements><crm:input name="text" value="a"/></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="wait"/>
            <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>DELAY</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="b"/>
            <bpmn:serviceTask id="b" crm:handler="crm.journal" crm:async="true"><bpmn:extensionElements><crm:input name="text" value="b"/></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:sequenceFlow id="f4" sourceRef="b" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task KilledMidRun_RestartedServer_CompletesEveryInstanceExactlyOnce()
    {
        TestEnvironment.RequirePostgreSql();
        await using var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        const int instances = 2000;
        var first = await ServerProcess.StartAsync(Settings(database, "node-1"));
        using (var client = await first.AdminClientAsync())
        {
            await DeployAsync(client, "PT3S");
            await StartManyAsync(client, instances);
        }

        var completedAtKill = await CountAsync(database, """SELECT count(*) FROM process_instances WHERE "Status" = 1""");
        await first.KillAsync();
        Assert.True(completedAtKill < instances, "the kill came too late to prove anything");
        var journalAtKill = await CountAsync(database, "SELECT count(*) FROM process_journal");
        Assert.True(journalAtKill > 0, "no job had run before the kill");

        await using var second = await ServerProcess.StartAsync(Settings(database, "node-2"));
        await WaitAllCompletedAsync(database, instances, second);

        await AssertExactlyOnceAsync(database, instances, expectedEntries: 2);
        Assert.Equal(0, await CountAsync(database, """SELECT count(*) FROM history_batches WHERE "Events" LIKE '%"TimerFired"%' GROUP BY "InstanceId" HAVING count(*) <> 1"""));
        await first.DisposeAsync();
    }

    [Fact]
    public async Task TwoServersOnOneDatabase_ShareTheJobs_NoJobRunsTwice()
    {
        TestEnvironment.RequirePostgreSql();
        await using var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        const int instances = 1000;
        await using var one = await ServerProcess.StartAsync(Settings(database, "node-1"));
        await using var two = await ServerProcess.StartAsync(Settings(database, "node-2"));
        using var clientOne = await one.AdminClientAsync();
        using var clientTwo = await two.AdminClientAsync();
        await DeployAsync(clientOne, "PT1S");

        await Task.WhenAll(StartManyAsync(clientOne, instances / 2), StartManyAsync(clientTwo, instances / 2));
        await WaitAllCompletedAsync(database, instances, one);

        await AssertExactlyOnceAsync(database, instances, expectedEntries: 2);
        var byNode = await CountAsync(database, """SELECT count(DISTINCT "ExecutedBy") FROM process_journal""");
        Assert.Equal(2, byNode);
    }

    [Fact]
    public async Task RestartWithPendingTimers_EachTimerFiresOnce()
    {
        TestEnvironment.RequirePostgreSql();
        await using var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        const int instances = 50;
        var first = await ServerProcess.StartAsync(Settings(database, "node-1"));
        using (var client = await first.AdminClientAsync())
        {
            await DeployAsync(client, "PT4S");
            await StartManyAsync(client, instances);
        }

        await WaitUntilAsync(database, "SELECT count(*) FROM process_journal", instances, first);   // every 'a' ran, timers wait
        await first.KillAsync();
        Assert.Equal(instances, await CountAsync(database, """SELECT count(*) FROM jobs WHERE "Kind" = 1"""));
        await Task.Delay(TimeSpan.FromSeconds(5));   // the timers fall due while no server runs

        await using var second = await ServerProcess.StartAsync(Settings(database, "node-2"));
        await WaitAllCompletedAsync(database, instances, second);

        await AssertExactlyOnceAsync(database, instances, expectedEntries: 2);
        Assert.Equal(0, await CountAsync(database, """SELECT count(*) FROM history_batches WHERE "Events" LIKE '%"TimerFired"%' GROUP BY "InstanceId" HAVING count(*) <> 1"""));
        Assert.Equal(instances, await CountAsync(database, """SELECT count(*) FROM history_batches WHERE "Events" LIKE '%"TimerFired"%'"""));
        await first.DisposeAsync();
    }

    private static Dictionary<string, string?> Settings(TestDatabase database, string node)
    {
        var settings = database.Settings();
        // Each node has its own data folder (search index, scratch); they share the database.
        settings["Crm:DataPath"] = Path.Combine(database.DataPath, node);
        settings["Crm:Jobs:NodeName"] = node;
        settings["Crm:Jobs:LockDuration"] = "00:00:05";   // a dead node's jobs are taken over quickly
        settings["Crm:Jobs:PollInterval"] = "00:00:00.200";
        return settings;
    }

    private static async Task DeployAsync(HttpClient client, string delay)
    {
        var response = await client.PostAsync("/api/process-definitions", new StringContent(Pipeline.Replace("DELAY", delay, StringComparison.Ordinal), Encoding.UTF8, "application/xml"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task StartManyAsync(HttpClient client, int count)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var response = await client.PostAsJsonAsync("/api/process-instances", new { processKey = "pipeline", businessKey = $"order-{i}" }, ct);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        });
    }

    private static Task WaitAllCompletedAsync(TestDatabase database, int instances, ServerProcess server) =>
        WaitUntilAsync(database, """SELECT count(*) FROM process_instances WHERE "Status" = 1""", instances, server);

    private static async Task WaitUntilAsync(TestDatabase database, string countSql, int expected, ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        long count = 0;
        while (DateTime.UtcNow < deadline)
        {
            count = await CountAsync(database, countSql);
            if (count >= expected)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Only {count} of {expected} after 180 s. Server output:\n{server.Output}");
    }

    /// <summary>Each instance completed, each journal step exactly once, nothing left in the job table.</summary>
    private static async Task AssertExactlyOnceAsync(TestDatabase database, int instances, int expectedEntries)
    {
        Assert.Equal(instances, await CountAsync(database, """SELECT count(*) FROM process_instances WHERE "Status" = 1"""));
        Assert.Equal(instances * expectedEntries, await CountAsync(database, "SELECT count(*) FROM process_journal"));
        Assert.Equal(0, await CountAsync(database, """SELECT count(*) FROM (SELECT "InstanceId", "ElementId" FROM process_journal GROUP BY 1, 2 HAVING count(*) <> 1) duplicates"""));
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM jobs"));
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }
}
