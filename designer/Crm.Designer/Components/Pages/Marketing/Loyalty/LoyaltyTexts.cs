using Crm.Designer.Localization;
using Crm.Workflow.Common;
using Microsoft.Extensions.Localization;

namespace Crm.Designer.Components.Pages.Marketing.Loyalty;

/// <summary>Loyalty codes as people read them, and a refusal's message for the snackbar.</summary>
public static class LoyaltyTexts
{
    public static string Kind(string kind, IStringLocalizer<UiText> t) => t["LoyaltyKind_" + kind] is { ResourceNotFound: false } text ? text : kind;

    public static string Trigger(string trigger, IStringLocalizer<UiText> t) => t["LoyaltyTrigger_" + trigger] is { ResourceNotFound: false } text ? text : trigger;

    public static string OrderStatus(string status, IStringLocalizer<UiText> t) => t["LoyaltyOrder_" + status] is { ResourceNotFound: false } text ? text : status;

    /// <summary>The field messages of a validation error, or the message of any other refusal (not enough points, out of stock …).</summary>
    public static string Message(DomainException ex) => ex is ValidationFailedException invalid
        ? string.Join(" ", invalid.Errors.SelectMany(e => e.Value))
        : ex.Message;
}
