using MudBlazor;

namespace Crm.Designer.Components.Common;

/// <summary>One way to ask "are you sure?" before anything that cannot be undone.</summary>
public static class DialogServiceConfirmations
{
    /// <summary>True only when the person pressed the confirming button; Escape, the backdrop or "Go back" keep things as they are.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string confirmText)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.ConfirmText, confirmText },
        };
        var options = new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, options);
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
