using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;
using static Crm.Server.Tests.Marketing.Loyalty.LoyaltyTestKit;

namespace Crm.Server.Tests.Marketing.Loyalty;

/// <summary>The "award loyalty points" handler in a small process: booked once in the step, and only for a company the completing user may see.</summary>
public abstract class LoyaltyProcessTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    private const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d">
          <bpmn:process id="loyalty-thanks" name="Thank a customer" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
            <bpmn:userTask id="check" name="Check the order" crm:candidateGroups="sales,office"/>
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="award"/>
            <bpmn:serviceTask id="award" name="Award points" crm:handler="crm.loyalty.award">
              <bpmn:extensionElements>
                <crm:input name="counterpartyId" value="${counterpartyId}"/>
                <crm:input name="programme" value="PROC"/>
                <crm:input name="points" value="25"/>
                <crm:input name="reason" value="Thank you"/>
              </bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="f3" sourceRef="award" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task AwardHandler_InAProcess_BooksOnce_AndNotForACompanyTheUserCannotSee()
    {
        using var piotr = await App.CreateClientAsAsync("piotr");
        using var anna = await App.CreateClientAsAsync("anna");
        using var jan = await App.CreateClientAsAsync("jan");
        var company = await SalesCompanyAsync(App.Services);
        var programme = await CreateProgrammeAsync(anna, "PROC");
        var member = await EnrolAsync(anna, programme, company);
        Assert.Equal(HttpStatusCode.Created, (await piotr.PostAsync("/api/process-definitions", new StringContent(Model, Encoding.UTF8, "application/xml"))).StatusCode);

        var instance = await RunAsync(anna, company);
        Assert.Equal("Completed", (await anna.GetFromJsonAsync<JsonElement>($"/api/process-instances/{instance}")).GetProperty("state").GetString());
        Assert.Equal(25, await BalanceAsync(anna, member));
        var row = Assert.Single((await anna.GetFromJsonAsync<JsonElement>($"/api/loyalty/members/{member}/statement")).GetProperty("lines").EnumerateArray());
        Assert.StartsWith("process:", row.GetProperty("sourceKey").GetString(), StringComparison.Ordinal);

        // jan cannot see the company: the step books nothing, whatever becomes of the instance.
        await RunAsync(jan, company);
        Assert.Equal(25, await BalanceAsync(anna, member));
        Assert.Equal(25, await LedgerSumAsync(App.Services, member));
    }

    private static async Task<string?> RunAsync(HttpClient user, Guid company)
    {
        var started = await user.PostAsJsonAsync("/api/process-instances", new { processKey = "loyalty-thanks", variables = new { counterpartyId = company } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var instance = await started.Content.ReadFromJsonAsync<JsonElement>();
        var task = instance.GetProperty("openTasks")[0].GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await user.PostAsync($"/api/tasks/{task}/claim", null)).StatusCode);
        await user.PostAsJsonAsync($"/api/tasks/{task}/complete", new { variables = new { } });
        return instance.GetProperty("id").GetString();
    }
}

public sealed class LoyaltyProcessOnSqliteTests() : LoyaltyProcessTests(DatabaseProvider.Sqlite);

public sealed class LoyaltyProcessOnPostgreSqlTests() : LoyaltyProcessTests(DatabaseProvider.PostgreSql);
