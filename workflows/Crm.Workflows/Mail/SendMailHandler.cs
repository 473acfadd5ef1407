using System.Text.Json.Nodes;
using Crm.Modules.Mail;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.Mail;

/// <summary>
/// Sends an e-mail from a process: a service task, or a message throw or end event with this handler. The mail goes
/// through the same outbox as one written on a company page (queued in the step's commit, sent by the worker, filed on
/// the company's timeline when one is named); a retried step finds the mail it queued instead of sending it twice.
/// </summary>
[ServiceTaskHandler("crm.mail.send", DisplayName = "Send an e-mail", Category = "Mail",
    Description = "Queues an e-mail from a mail account (by name) in the outbox; optionally filed on a company, person and case, with DMS documents attached (the completing user's download right is checked).")]
[HandlerInput("account", Required = true, Description = "The mail account's name, e.g. Office")]
[HandlerInput("to", Required = true, Description = "Recipients, e.g. ${customerEmail}")]
[HandlerInput("cc", Description = "Copy to")]
[HandlerInput("subject", Required = true, Description = "e.g. Your complaint ${number}")]
[HandlerInput("body", Description = "The text; expressions like ${name} are filled in")]
[HandlerInput("documents", "json", Description = "DMS document ids to attach (a list)")]
[HandlerInput("counterpartyId", Description = "The company the mail is filed on")]
[HandlerInput("personId", Description = "The person at that company")]
[HandlerInput("caseId", Description = "The case it concerns")]
[HandlerOutput("mailId", Description = "The queued mail")]
[HandlerOutput("messageId", Description = "Its Message-ID (replies thread back by it)")]
public sealed class SendMailHandler(MailOutbox outbox) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var account = Text(context, "account") ?? throw new ServiceTaskFailedException("Name the mail account to send from (input 'account').");
        var input = new ComposeMail(Guid.Empty, Text(context, "to"), Text(context, "cc"), Text(context, "subject"), Text(context, "body"), Documents(context),
            Id(context, "counterpartyId"), Id(context, "personId"), Id(context, "caseId"), null);
        try
        {
            var queued = await outbox.QueueForProcessAsync(account, input, context.UserName, $"{context.InstanceId}:{context.ElementId}:{context.IdempotencyKey}", cancellationToken);
            return new Dictionary<string, JsonNode?> { ["mailId"] = queued.Id.ToString(), ["messageId"] = queued.MessageId };
        }
        catch (DomainException ex)
        {
            var detail = ex is ValidationFailedException invalid ? string.Join(" ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) : ex.Message;
            throw new ServiceTaskFailedException($"The e-mail was not queued: {detail}");
        }
    }

    private static string? Text(ServiceTaskContext context, string name) =>
        context.Inputs.GetValueOrDefault(name) is { } value && value.ToString() is { Length: > 0 } text ? text : null;

    private static Guid? Id(ServiceTaskContext context, string name)
    {
        var text = Text(context, name);
        return text is null ? null : Guid.TryParse(text, out var id) ? id : throw new ServiceTaskFailedException($"Input '{name}' is not an id: {text}.");
    }

    private static List<Guid> Documents(ServiceTaskContext context)
    {
        var node = context.Inputs.GetValueOrDefault("documents");
        var texts = node switch
        {
            null => [],
            JsonArray array => array.Select(n => n?.ToString() ?? ""),
            _ => node.ToString().Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries),
        };
        return [.. texts.Select(t => Guid.TryParse(t.Trim(), out var id) ? id : throw new ServiceTaskFailedException($"'{t}' in input 'documents' is not a document id."))];
    }
}
