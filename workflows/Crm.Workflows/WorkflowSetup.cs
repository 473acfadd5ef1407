using System.Reflection;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Workflow.Processes;
using Crm.Workflow.Messages;
using Crm.Workflow.Tasks;
using Crm.Modules.Complaints;
using Crm.Modules.Service;
using Crm.Modules.Counterparties.Cases;
using Crm.Modules.Documents.Checkout;
using Crm.Modules.Knowledge;
using Crm.Workflows.ArticlePublication;
using Crm.Workflows.ComplaintHandling;
using Crm.Workflows.DocumentCheckout;
using Crm.Workflows.MandatoryReading;
using Crm.Workflows.SalesCycle;
using Crm.Workflows.ServiceTicket;
using Crm.Workflows.GdprErasure;
using Crm.Modules.Counterparties.Gdpr;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Workflows;

/// <summary>The built-in processes (embedded .bpmn files) and the service-task handlers they call.</summary>
public static class WorkflowSetup
{
    /// <summary>Each built-in process: its starter (the contract its module owns) and its handlers.</summary>
    public static IServiceCollection AddCrmWorkflows(this IServiceCollection services)
    {
        // Mail/: any process sends e-mail through the outbox (service task, message throw or end event)
        services.AddServiceTaskHandler<Mail.SendMailHandler>();
        services.AddServiceTaskHandler<Templates.GenerateDocumentHandler>();
        services.AddServiceTaskHandler<Marketing.AwardLoyaltyPointsHandler>();

        // document-checkout (DocumentCheckout/)
        services.AddScoped<ICheckoutProcess, CheckoutProcess>();
        services.AddProtectedVariables(CheckoutProcess.Key, [.. CheckoutVariables.Names, "action", "file"]);
        services.AddScoped<IProcessObjectAccess, CheckoutObjectAccess>();
        services.AddServiceTaskHandler<CheckInHandler>();
        services.AddServiceTaskHandler<ReleaseHandler>();
        services.AddServiceTaskHandler<RemindHandler>();
        services.AddServiceTaskHandler<LockOverdueHandler>();
        // kb-article-publish (ArticlePublication/)
        services.AddScoped<IArticlePublicationProcess, ArticlePublicationProcess>();
        services.AddProtectedVariables(ArticlePublicationProcess.Key, ArticlePublicationVariables.Names.Where(n => n != "comment"));
        services.AddScoped<IProcessObjectAccess, ArticlePublicationObjectAccess>();
        services.AddSingleton<ITaskCompletionGuard, FourEyes>();
        services.AddServiceTaskHandler<PublishArticleHandler>();
        services.AddServiceTaskHandler<ReturnArticleHandler>();
        // kb-mandatory-reading (MandatoryReading/)
        services.AddScoped<IMandatoryReadingProcess, MandatoryReadingProcess>();
        services.AddProtectedVariables(MandatoryReadingProcess.Key, [.. ReadingVariables.Names, "reader"]);
        services.AddScoped<IProcessObjectAccess, ReadingObjectAccess>();
        services.AddServiceTaskHandler<RemindReadersHandler>();
        services.AddServiceTaskHandler<EscalateReadersHandler>();
        services.AddServiceTaskHandler<CompleteAssignmentHandler>();
        // complaint-handling (ComplaintHandling/)
        services.AddScoped<IComplaintProcess, ComplaintProcess>();
        services.AddOwnedMessage(ComplaintProcess.ExpertiseMessage, "the complaint page (POST /api/complaints/{id}/expertise)");
        services.AddProtectedVariables(ComplaintProcess.Key, [.. ComplaintVariables.Names, .. ComplaintVariables.HandlerSet]);
        services.AddScoped<IProcessObjectAccess, ComplaintObjectAccess>();
        services.AddSingleton<ITaskCompletionGuard, ComplaintFourEyes>();
        services.AddServiceTaskHandler<ClassifyComplaintHandler>();
        services.AddServiceTaskHandler<RecordFindingsHandler>();
        services.AddServiceTaskHandler<RecordDecisionHandler>();
        services.AddServiceTaskHandler<RecordApprovalHandler>();
        services.AddServiceTaskHandler<RecordAnswerHandler>();
        services.AddServiceTaskHandler<AcceptByDefaultHandler>();
        services.AddServiceTaskHandler<ResolveComplaintHandler>();
        services.AddServiceTaskHandler<CloseComplaintHandler>();
        services.AddServiceTaskHandler<WarnLeadHandler>();
        // service-ticket (ServiceTicket/)
        services.AddScoped<IServiceTicketProcess, TicketProcess>();
        services.AddOwnedMessage(TicketBook.CustomerReplyMessage, "the ticket page (POST /api/tickets/{id}/customer-reply)");
        services.AddProtectedVariables(TicketProcess.Key, [.. TicketVariables.Names, .. TicketVariables.HandlerSet]);
        services.AddScoped<IProcessObjectAccess, TicketObjectAccess>();
        services.AddScoped<OpenTicketTask>();
        services.AddServiceTaskHandler<PlanSlaHandler>();
        services.AddServiceTaskHandler<RecordResponseHandler>();
        services.AddServiceTaskHandler<PauseTicketHandler>();
        services.AddServiceTaskHandler<SlaWarningHandler>();
        services.AddServiceTaskHandler<SlaBreachHandler>();
        services.AddServiceTaskHandler<ResolveTicketHandler>();
        services.AddServiceTaskHandler<CloseTicketHandler>();
        // sales-cycle (SalesCycle/)
        services.AddScoped<ISalesCycleProcess, SalesCycleProcess>();
        services.AddProtectedVariables(SalesCycleProcess.Key, SalesCycleVariables.Names.Where(n => n != "lostReason"));
        services.AddScoped<IProcessObjectAccess, SalesCycleObjectAccess>();
        services.AddServiceTaskHandler<MoveCaseHandler>();
        services.AddServiceTaskHandler<RemindCaseOwnerHandler>();
        // gdpr-erasure (GdprErasure/)
        services.AddScoped<IErasureProcess, ErasureProcess>();
        services.AddProtectedVariables(ErasureProcess.Key, ErasureVariables.Names);
        services.AddScoped<IProcessObjectAccess, ErasureObjectAccess>();
        services.AddSingleton<ITaskCompletionGuard, ErasureFourEyes>();
        services.AddServiceTaskHandler<ErasePersonHandler>();
        services.AddServiceTaskHandler<RejectErasureHandler>();
        // campaign-actions and campaign-member (Campaigns/)
        services.AddScoped<Crm.Modules.Marketing.Campaigns.ICampaignProcess, Campaigns.CampaignProcess>();
        services.AddOwnedMessage(Campaigns.CampaignProcess.ResponseMessage, "the campaign page (PUT /api/campaigns/{id}/members/{memberId}/state)");
        services.AddProtectedVariables(Campaigns.CampaignProcess.Key, [.. Campaigns.CampaignVariables.Names, .. Campaigns.CampaignVariables.HandlerSet]);
        services.AddProtectedVariables(Campaigns.CampaignProcess.MemberKey, [.. Campaigns.MemberVariables.Names, .. Campaigns.MemberVariables.HandlerSet], calledBy: [Campaigns.CampaignProcess.Key]);
        services.AddScoped<IProcessObjectAccess, Campaigns.CampaignObjectAccess>();
        services.AddScoped<IProcessObjectAccess, Campaigns.CampaignMemberObjectAccess>();
        services.AddSingleton<ITaskCompletionGuard, Campaigns.CampaignFourEyes>();
        services.AddServiceTaskHandler<Campaigns.RecordCampaignApprovalHandler>();
        services.AddServiceTaskHandler<Campaigns.LaunchCampaignHandler>();
        services.AddServiceTaskHandler<Campaigns.NumberLateMembersHandler>();
        services.AddServiceTaskHandler<Campaigns.PrepareMemberHandler>();
        services.AddServiceTaskHandler<Campaigns.RecordContactHandler>();
        services.AddServiceTaskHandler<Campaigns.FollowUpHandler>();
        services.AddServiceTaskHandler<Campaigns.CloseCampaignHandler>();
        services.AddServiceTaskHandler<Campaigns.AddCampaignRecipientsHandler>();
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
