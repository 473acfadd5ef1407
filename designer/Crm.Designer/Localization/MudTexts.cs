using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Crm.Designer.Localization;

/// <summary>
/// MudBlazor's built-in texts (pager buttons, date picker, close buttons ...) from our own resources under the key
/// "Mud_" + MudBlazor's key, so they follow the UI language; a key we do not carry falls back to MudBlazor's English.
/// </summary>
public sealed class MudTexts(IStringLocalizer<UiText> texts) : MudLocalizer
{
    public override LocalizedString this[string key] => Lookup(key, []);

    public override LocalizedString this[string key, params object[] arguments] => Lookup(key, arguments);

    private LocalizedString Lookup(string key, object[] arguments)
    {
        var found = arguments.Length == 0 ? texts["Mud_" + key] : texts["Mud_" + key, arguments];
        return new LocalizedString(key, found.Value, found.ResourceNotFound);
    }
}
