using Microsoft.JSInterop;

namespace Crm.Designer.Components.Designer;

/// <summary>
/// The browser's way back into the designer page. XML arrives as a stream: Blazor Server refuses
/// browser-to-server messages over 32 KB and diagrams are often bigger.
/// </summary>
public sealed class DesignerBridge(Func<ElementInfo, Task> selected, Func<string, int, Task<IReadOnlyList<Problem>>> lint, Func<Task> dirty)
{
    public const long MaxXmlBytes = Crm.Workflow.Processes.DefinitionService.MaxXmlBytes;

    [JSInvokable]
    public Task OnSelected(ElementInfo element) => selected(element);

    [JSInvokable]
    public Task OnDirty() => dirty();

    [JSInvokable]
    public async Task<IReadOnlyList<Problem>> Lint(IJSStreamReference xml, int sequence)
    {
        var text = await ReadAsync(xml);
        return await lint(text, sequence);
    }

    public static async Task<string> ReadAsync(IJSStreamReference xml)
    {
        await using var stream = await xml.OpenReadStreamAsync(MaxXmlBytes);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
