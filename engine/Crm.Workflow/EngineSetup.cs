using Crm.Workflow.Common;
using Crm.Workflow.Expressions;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Workflow;

public static class EngineSetup
{
    /// <summary>
    /// The BPMN engine: parser cache, expressions, handler catalogue, the one way in (<see cref="ProcessEngine"/>),
    /// runtime, task, job, message and migration services. The host registers a <see cref="Persistence.WorkflowDbContext"/>
    /// (the product's context) and an <see cref="ITaskUserDirectory"/>.
    /// </summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ExpressionEngine>();
        services.TryAddSingleton(sp => new HandlerCatalog(sp.GetServices<HandlerDescriptor>()));
        services.TryAddSingleton<ProcessModelCache>();
        services.TryAddSingleton<ProtectedVariables>();
        services.TryAddScoped<DomainEvents>();
        services.TryAddScoped<ProcessEngine>();
        services.TryAddScoped<DefinitionService>();
        services.TryAddSingleton<Decisions.DecisionEvaluator>();
        services.TryAddScoped<Decisions.DecisionService>();
        services.TryAddScoped<ExternalTasks.ExternalTaskService>();
        services.TryAddScoped<RuntimeService>();
        services.TryAddScoped<TaskService>();
        services.TryAddScoped<CompleteTask>();
        services.TryAddScoped<Subtasks>();
        services.TryAddScoped<Jobs.JobRunner>();
        services.TryAddScoped<Jobs.IncidentService>();
        services.TryAddScoped<Messages.MessageService>();
        services.TryAddScoped<Messages.SignalService>();
        services.TryAddScoped<InstanceMigrationService>();
        services.TryAddScoped<Processes.Design.DesignerService>();
        services.AddOptions<Jobs.JobOptions>().BindConfiguration(Jobs.JobOptions.Section);
        services.TryAddSingleton<Jobs.JobExecutor>();
        services.AddServiceTaskHandler<JournalHandler>();
        services.AddServiceTaskHandler<SetVariablesHandler>();
        return services;
    }

    /// <summary>Runs the job executor in this process (timers, async steps, call returns).</summary>
    public static IServiceCollection AddWorkflowJobExecutor(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<Jobs.JobExecutor>());
}
