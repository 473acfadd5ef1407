using System.Text.Json.Nodes;
using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Modules.Documents.Checkout;

/// <summary>The holder gives the lock back without a new version (use case; API and document page).</summary>
public sealed class CancelCheckOut(DocumentAccess access, ICheckoutProcess process, CompleteTask complete)
{
    public async Task RunAsync(Guid documentId, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var taskId = await CheckoutLock.HolderTaskAsync(access, process, documentId, user, cancellationToken);
        await complete.RunAsync(taskId, null, user, cancellationToken, byOwningUseCase: true,
            trusted: new Dictionary<string, JsonNode?> { ["action"] = "cancel", ["ip"] = from.Ip, ["client"] = from.Client });
    }
}
