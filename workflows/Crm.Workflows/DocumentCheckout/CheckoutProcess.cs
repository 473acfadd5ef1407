using Crm.Modules.Documents;
using Crm.Modules.Documents.Checkout;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>
/// The starter of <c>document-checkout</c> (document-checkout.bpmn beside it): what the documents module's
/// check-out use cases ask of their process, through the module's <see cref="ICheckoutProcess"/> contract.
/// </summary>
public sealed class CheckoutProcess(CrmDbContext db, IOptions<DocumentOptions> options) : ICheckoutProcess
{
    public const string Key = "document-checkout";

    /// <summary>The user task the holder completes to check in or give the lock back.</summary>
    public const string CheckInTaskId = "checkIn";

    public string ProcessKey => Key;

    public async Task<Guid> StartAsync(EngineUnit unit, Document document, CurrentUser holder, CancellationToken cancellationToken)
    {
        DefinitionRef definition;
        try
        {
            definition = await unit.Models.LatestAsync(unit.Db, Key, cancellationToken);
        }
        catch (NotFoundException)
        {
            throw new ConflictException($"The check-out process '{Key}' is not deployed; ask an admin to restart the server or deploy it.");
        }

        var variables = new CheckoutVariables(document.Id, document.Title, holder.UserName, document.FolderId, options.Value.CheckoutReminder, options.Value.LockLimit);
        var instance = await unit.StartAsync(definition, null, variables.ToVariables(), document.Id.ToString(), holder.UserName, cancellationToken);
        return instance.Id;
    }

    public Task<Guid?> CheckInTaskAsync(Guid instanceId, CancellationToken cancellationToken) =>
        db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == instanceId && t.ElementId == CheckInTaskId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.ParentTaskId == null)
            .Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken);
}
