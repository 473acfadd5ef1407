using Microsoft.JSInterop;

namespace Crm.Designer.Components.Pages.Decisions;

/// <summary>What the decision editor in the browser tells the page: the table changed.</summary>
public sealed class DecisionBridge(Func<Task> dirty)
{
    [JSInvokable]
    public Task OnDirty() => dirty();
}
