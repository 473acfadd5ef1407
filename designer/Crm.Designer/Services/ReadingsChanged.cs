namespace Crm.Designer.Services;

/// <summary>
/// Per browser tab (circuit): the article page says a reading was confirmed, so the banner in the layout drops
/// the line at once instead of on the next navigation.
/// </summary>
public sealed class ReadingsChanged
{
    /// <summary>Raised on the circuit's thread right after a confirmation was stored.</summary>
    public event Func<Task>? Changed;

    public async Task NotifyAsync()
    {
        if (Changed is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }
}
