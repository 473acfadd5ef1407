using Microsoft.Playwright;

namespace Crm.EndToEnd.Tests;

/// <summary>Typing into Blazor Server inputs the way a person does, robust to the server's re-render of a field.</summary>
public static class PageInput
{
    /// <summary>
    /// Fills and leaves the input until it keeps the value: a re-render caused by the previous field's change event
    /// can arrive after the typing and put the field's old bound value back (a person would see it and type again).
    /// </summary>
    public static async Task FillSettledAsync(ILocator input, string value)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await input.FillAsync(value);
            await input.PressAsync("Tab");
            await Task.Delay(200);
            if (await input.InputValueAsync() == value)
            {
                return;
            }
        }

        await Assertions.Expect(input).ToHaveValueAsync(value);
    }

    /// <summary>The input of a MudBlazor field by its data-testid (on the input or its wrapper).</summary>
    public static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], [data-testid={testId}] input, textarea[data-testid={testId}], [data-testid={testId}] textarea").First;
}
