using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Modules.Marketing.Loyalty;
using Crm.Platform.Access;
using Crm.Platform.Identity;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.Marketing;

/// <summary>
/// Awards loyalty points in any process: a fixed number of points of a type, or by the programme's rules for a trigger
/// (campaign-response, order-value with an amount). Booked in the step's commit, once per step and company (the source
/// key is derived from the instance, the element and the step's attempt). The company it acts on is trusted only when
/// the product set it as a protected variable of this process; otherwise the user who completed the step must see the
/// company and hold the edit right on loyalty programmes.
/// </summary>
[ServiceTaskHandler("crm.loyalty.award", DisplayName = "Award loyalty points", Category = "Marketing",
    Description = "Books loyalty points for a company that is a member of a programme: fixed points of a type, or by the programme's rules for a trigger. Once per step.")]
[HandlerInput("counterpartyId", Required = true, Description = "The member company, e.g. ${counterpartyId}")]
[HandlerInput("programme", Description = "The programme's code or id (needed for fixed points; with a trigger: only this programme)")]
[HandlerInput("points", "number", Description = "Fixed points to award (leave empty to use the rules of a trigger)")]
[HandlerInput("pointType", Description = "The point type for fixed points, e.g. bonus (default: base)")]
[HandlerInput("trigger", Description = "campaign-response or order-value: award by the programme's rules")]
[HandlerInput("amount", "number", Description = "The order value for the order-value trigger")]
[HandlerInput("reason", Description = "Shown on the member's statement")]
[HandlerOutput("loyaltyPoints", Description = "The points booked in this step")]
public sealed class AwardLoyaltyPointsHandler(LoyaltyLedger ledger, LoyaltyAccess access, UserDirectory users, ProtectedVariables protectedVariables) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var counterpartyId = Guid.TryParse(Text(context, "counterpartyId"), out var id) ? id : throw new ServiceTaskFailedException("Input 'counterpartyId' is not an id.");
        var user = context.UserName is { } name ? await users.CurrentUserAsync(name, cancellationToken) : null;
        try
        {
            await RequireTrustedAsync(context, counterpartyId, user, cancellationToken);
            var programme = Text(context, "programme") is { } given ? await ledger.ProgrammeIdAsync(given, cancellationToken) : (Guid?)null;
            var key = SourceKey(context, counterpartyId);
            var by = user?.UserName ?? "process";
            var reason = Text(context, "reason") ?? $"Process {context.ProcessKey}, step {context.ElementId}";
            if (Text(context, "trigger") is { } trigger)
            {
                var amount = decimal.TryParse(Text(context, "amount"), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var a) ? a : (decimal?)null;
                var bookings = await ledger.ApplyRuleAsync(trigger, counterpartyId, amount, key, by, cancellationToken, programme);
                return new Dictionary<string, JsonNode?> { ["loyaltyPoints"] = bookings.Sum(b => b.Points) };
            }

            if (programme is null) throw new ServiceTaskFailedException("Name the programme (input 'programme') for fixed points, or give a trigger.");
            if (!int.TryParse(Text(context, "points"), out var points)) throw new ServiceTaskFailedException("Give the points (input 'points') or a trigger.");
            var booking = await ledger.AwardAsync(programme.Value, counterpartyId, Text(context, "pointType") ?? "base", points, reason, key, by, cancellationToken);
            return new Dictionary<string, JsonNode?> { ["loyaltyPoints"] = booking.Points };
        }
        catch (DomainException ex)
        {
            var detail = ex is ValidationFailedException invalid ? string.Join(" ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) : ex.Message;
            throw new ServiceTaskFailedException($"No loyalty points were awarded: {detail}");
        }
    }

    /// <summary>Never trust an id a client sent: a protected variable the product set, or the completing user's rights.</summary>
    private async Task RequireTrustedAsync(ServiceTaskContext context, Guid counterpartyId, CurrentUser? user, CancellationToken cancellationToken)
    {
        var text = counterpartyId.ToString();
        if (protectedVariables.Of(context.ProcessKey).Any(n => string.Equals(context.Variables.GetValueOrDefault(n)?.ToString(), text, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        if (user is null)
        {
            throw new ServiceTaskFailedException("Without a user behind the step, the company must be one the application set for this process (a protected variable).");
        }

        access.Require(user, AccessRights.Read);
        await access.RequireVisibleCompanyAsync(counterpartyId, user, cancellationToken);
        access.Require(user, AccessRights.Edit);
    }

    /// <summary>The same for every attempt of this step from the same committed state, per company (a multi-instance step awards each once).</summary>
    private static string SourceKey(ServiceTaskContext context, Guid counterpartyId) =>
        "process:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{context.InstanceId:N}|{context.ElementId}|{context.IdempotencyKey}|{counterpartyId:N}")))[..40];

    private static string? Text(ServiceTaskContext context, string name) =>
        context.Inputs.GetValueOrDefault(name) is { } value && value.ToString() is { Length: > 0 } text ? text : null;
}
