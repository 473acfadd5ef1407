using Crm.Modules.Complaints;
using Crm.Modules.Counterparties;
using Crm.Modules.Service;
using Crm.Modules.Documents;
using Crm.Modules.Knowledge;
using Crm.Modules.Mail;
using Crm.Modules.Marketing;
using Crm.Modules.Templates;
using Crm.Platform.Audit;
using Crm.Platform.Identity;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Workflow;
using Crm.Workflow.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Engine;

/// <summary>
/// The engine, the platform's services and every business module, for a process without the web host
/// (engine tests, the benchmark). The host lists the same modules one by one in Program.cs.
/// </summary>
public static class CrmModules
{
    public static IServiceCollection AddCrmModules(this IServiceCollection services)
    {
        services.TryAddScoped<WorkflowDbContext>(sp => sp.GetRequiredService<CrmDbContext>());
        services.AddWorkflowEngine();
        services.TryAddScoped<ITaskUserDirectory, TaskUserDirectory>();
        services.AddCrmAudit();
        services.AddCrmNotifications();
        services.AddCrmGlobalSearch();
        services.AddDocumentsModule();
        services.AddKnowledgeModule();
        services.AddCounterpartiesModule();
        services.AddComplaintsModule();
        services.AddServiceModule();
        services.AddMailModule();
        services.AddTemplatesModule();
        services.AddMarketingModule();
        return services;
    }
}
