using System.Reflection;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Workflow.Processes;
using Crm.Workflows.Documents;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Workflows;

/// <summary>The built-in processes (embedded .bpmn files) and the service-task handlers they call.</summary>
public static class WorkflowSetup
{
    public static IServiceCollection AddCrmWorkflows(this IServiceCollection services)
    {
        services.AddServiceTaskHandler<CheckInHandler>();
        services.AddServiceTaskHandler<ReleaseHandler>();
        services.AddServiceTaskHandler<RemindHandler>();
        services.AddServiceTaskHandler<LockOverdueHandler>();
        services.AddServiceTaskHandler<Knowledge.PublishArticleHandler>();
        services.AddServiceTaskHandler<Knowledge.ReturnArticleHandler>();
        services.AddServiceTaskHandler<Knowledge.RemindReadersHandler>();
        services.AddServiceTaskHandler<Knowledge.EscalateReadersHandler>();
        services.AddServiceTaskHandler<Knowledge.CompleteAssignmentHandler>();
        services.AddServiceTaskHandler<Sales.MoveCaseHandler>();
        services.AddServiceTaskHandler<Sales.RemindCaseOwnerHandler>();
        return services;
    }

    /// <summary>
    /// Deploys every built-in process whose XML changed (an unchanged one keeps its version). Runs at start-up.
    /// Built-in processes are editable: once a person deployed their own version, start-up leaves it alone.
    /// </summary>
    public static async Task DeployBuiltInProcessesAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var system = new CurrentUser(Guid.Empty, "system", new HashSet<string> { Roles.Admin }, new HashSet<string>());
        var assembly = typeof(WorkflowSetup).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".bpmn", StringComparison.Ordinal)).Order())
        {
            await using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var xml = await reader.ReadToEndAsync(cancellationToken);
            await using var scope = services.CreateAsyncScope();
            var definitions = scope.ServiceProvider.GetRequiredService<DefinitionService>();
            var key = Crm.Workflow.Processes.Design.DesignerService.KeyOf(xml).Key;
            var latest = await definitions.TryGetLatestAsync(key, cancellationToken);
            if (latest is null || latest.DeployedBy == system.UserName)
            {
                await definitions.DeployAsync(xml, system, cancellationToken);
            }
        }
    }
}
