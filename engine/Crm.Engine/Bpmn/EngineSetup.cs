using Crm.Engine.Bpmn.Expressions;
using Crm.Engine.Bpmn.Runtime;
using Crm.Engine.Processes;
using Crm.Engine.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Engine.Bpmn;

public static class EngineSetup
{
    /// <summary>The BPMN engine: parser cache, expressions, handler catalogue, runtime and task services.</summary>
    public static IServiceCollection AddCrmEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ExpressionEngine>();
        services.TryAddSingleton(sp => new HandlerCatalog(sp.GetServices<HandlerDescriptor>()));
        services.TryAddSingleton<ProcessModelCache>();
        services.TryAddScoped<DefinitionService>();
        services.TryAddScoped<RuntimeService>();
        services.TryAddScoped<TaskService>();
        services.TryAddScoped<Jobs.JobRunner>();
        services.TryAddScoped<Jobs.IncidentService>();
        services.TryAddScoped<Messages.MessageService>();
        services.TryAddScoped<InstanceMigrationService>();
        services.TryAddScoped<Processes.Design.DesignerService>();
        services.TryAddScoped<Audit.AuditVerifier>();
        services.TryAddScoped<Knowledge.ArticleService>();
        services.TryAddScoped<Knowledge.ReadingService>();
        services.TryAddScoped<Knowledge.ComplianceService>();
        services.TryAddScoped<Counterparties.CounterpartyService>();
        services.TryAddScoped<Counterparties.CrmActivityService>();
        services.TryAddScoped<Counterparties.NoteBook>();
        services.TryAddScoped<Counterparties.ActivityDocuments>();
        services.TryAddScoped<Counterparties.PersonDirectory>();
        services.TryAddScoped<Counterparties.PersonCard>();
        services.TryAddScoped<Counterparties.ActivityBook>();
        services.TryAddScoped<Counterparties.CaseService>();
        services.TryAddScoped<Counterparties.Cases.CaseBook>();
        services.TryAddScoped<Counterparties.CounterpartyImport>();
        services.TryAddScoped<Counterparties.PersonImport>();
        services.TryAddScoped<Counterparties.Fields.CustomFieldService>();
        services.TryAddScoped<Counterparties.Fields.DictionaryService>();
        services.TryAddScoped<Counterparties.Fields.CounterpartyRelations>();
        services.TryAddScoped<Counterparties.Reports.TimeCostReport>();
        services.AddOptions<Knowledge.KnowledgeOptions>().BindConfiguration(Knowledge.KnowledgeOptions.Section);
        services.AddOptions<Jobs.JobOptions>().BindConfiguration(Jobs.JobOptions.Section);
        services.TryAddSingleton<Jobs.JobExecutor>();
        services.AddServiceTaskHandler<JournalHandler>();
        services.AddServiceTaskHandler<SetVariablesHandler>();
        return services;
    }

    /// <summary>Runs the job executor in this process (timers, async steps, call returns).</summary>
    public static IServiceCollection AddCrmJobExecutor(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<Jobs.JobExecutor>());
}
