using Crm.Platform.Access;
using Crm.Designer;
using Crm.Workflow;
using Crm.Workflow.Processes;
using Crm.Workflow.Decisions;
using Crm.Workflow.ExternalTasks;
using Crm.Workflow.Tasks;
using Crm.Platform.Hosting;
using Crm.Platform.Identity;
using Crm.Workflow.Jobs;
using Crm.Platform.Notifications;
using Crm.Modules.Knowledge;
using Crm.Platform.Audit;
using Crm.Platform.Search;
using Crm.Modules.Complaints;
using Crm.Modules.Counterparties;
using Crm.Modules.Service;
using Crm.Modules.Mail;
using Crm.Modules.Marketing;
using Crm.Modules.Templates;
using Crm.Modules.Documents;
using Crm.Workflows;
using Crm.Server.Hosting;
using Crm.Storage;
using Crm.Storage.Objects;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.WebHost.UseStaticWebAssets();           // serve RCL/npm assets from a plain build too, not only in Development
    builder.Services.Configure<CrmOptions>(builder.Configuration.GetSection(CrmOptions.Section));

    builder.AddCrmDefaults();                                                  // logs, telemetry, problem details, OpenAPI, health
    builder.AddCrmEdgeSecurity();                                              // client address behind known proxies, HSTS, no framing
    builder.Services.AddCrmDatabase();                                         // SQLite (default) or PostgreSQL
    builder.Services.AddCrmObjectStore();                                      // local folder (default) or S3
    builder.Services.AddCrmIdentity();                                         // users, groups, cookie + bearer sign-in
    builder.Services.AddCrmAccessPolicy();                                     // permission rules as data, one policy service
    builder.Services.AddCrmDataProtection();                                   // cookie keys survive restarts
    // the workflow engine (knows no module)
    builder.Services.AddWorkflowEngine();                                      // BPMN engine, processes, tasks, the one way in
    builder.Services.AddWorkflowJobExecutor();                                 // timers, async steps, call returns
    // the platform
    builder.Services.AddCrmAudit();                                            // audit chain (keyed hashes) and its check
    builder.Services.AddCrmAuditCheckpoints();                                 // signed head of the chain in object storage
    builder.Services.AddCrmNotifications();                                    // task mails, reminders, escalations, digests
    builder.Services.AddCrmGlobalSearch();                                     // one search for everything (modules add sources)
    // business modules
    builder.Services.AddDocumentsModule();                                     // folders, documents, register, search index
    builder.Services.AddCrmSearchWorker();                                     // keeps this node's index current
    builder.Services.AddDocumentExpiryReminders();                             // mails owners before documents expire
    builder.Services.AddKnowledgeModule();                                     // articles, mandatory reading, compliance
    builder.Services.AddCounterpartiesModule();                                // counterparties, persons, activities, cases
    builder.Services.AddComplaintsModule();                                    // complaints, their costs and settings
    builder.Services.AddServiceModule();                                       // service desk: tickets, SLA, queues
    builder.Services.AddMailModule();                                          // mail accounts, import, outbox
    builder.Services.AddTemplatesModule();                                     // letters from Word/Excel templates, mail merge
    builder.Services.AddMarketingModule();                                     // campaigns, mass mailing, surveys, loyalty, consents
    builder.Services.AddCrmWorkflows();                                        // built-in processes and their handlers
    builder.Services.AddCrmLocalization();                                     // English and Polish
    builder.Services.AddCrmDesigner();                                         // the web UI

    var app = builder.Build();
    await app.InitializeCrmAsync();                                           // migrate, check storage, seed admin + demo
    if (args is ["index", "rebuild", ..])
    {
        return await IndexCommands.RebuildAsync(app.Services);                // dotnet Crm.Server.dll index rebuild
    }

    app.UseCrmEdgeSecurity();
    app.UseCrmProblemDetails();
    app.UseRequestLocalization();
    app.UseAuthentication();
    app.Use(async (http, next) =>
    {
        // Audit rows derived from this request's changes name the signed-in person as the actor.
        using var actor = AuditActor.Begin(http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : null);
        await next();
    });
    app.UseExternalWorkerScope();   // a worker account reaches /api/external-tasks and nothing else
    app.UsePasswordChangeGate();    // a generated or reset password leads to the password form first
    app.UseRateLimiter();
    app.UseAuthorization();
    app.UseAntiforgery();

    app.MapCrmDefaults();          // /health, /openapi/v1.json, /api/docs
    app.MapIdentityApi();          // /api/auth, /api/users, /api/groups, /api/tokens
    app.MapAccessPolicyApi();      // /api/admin/access (permission rules)
    app.MapProcessApi();           // /api/process-definitions, /api/process-instances
    app.MapDecisionApi();          // /api/decisions (DMN)
    app.MapExternalTaskApi();      // /api/external-tasks (workers in any language)
    app.MapTaskApi();              // /api/tasks
    app.MapEngineApi();            // /api/incidents, /api/messages
    app.MapNotificationApi();      // /api/me/notifications
    app.MapAuditApi();             // /api/audit, /api/audit/verify
    app.MapGlobalSearchApi();      // /api/global-search
    app.MapKnowledgeModule();      // /api/articles, /api/reading-assignments, /api/me/readings
    app.MapCounterpartiesModule(); // /api/counterparties, /api/persons, /api/activities, /api/notes, /api/cases
    app.MapComplaintsModule();     // /api/complaints, /api/complaint-costs, /api/complaint-settings
    app.MapServiceModule();        // /api/tickets, /api/service-settings, /api/sla-policies
    app.MapMailModule();           // /api/admin/mail-accounts, /api/mail
    app.MapTemplatesModule();      // /api/templates
    app.MapMarketingModule();      // /api/campaigns, /api/mailings, /api/surveys, /api/loyalty, /api/consents
    app.MapDocumentsModule();      // /api/folders, /api/documents, /api/access-log, /api/search
    app.MapAccountEndpoints();     // sign-out
    app.MapCultureSwitch();        // /culture/{en|pl}
    app.MapCrmDesigner();          // Blazor UI and its static assets

    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is CrmConfigurationException or StorageConfigurationException)
{
    // A wrong setting is the operator's to fix: say which one, plainly, without a stack trace.
    Console.Error.WriteLine($"Start-up failed. {ex.Message}");
    return 2;
}

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
