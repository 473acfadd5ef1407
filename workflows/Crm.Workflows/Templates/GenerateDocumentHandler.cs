using System.Text.Json.Nodes;
using Crm.Modules.Templates;
using Crm.Platform.Common;
using Crm.Platform.Identity;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.Templates;

/// <summary>
/// Makes a document from a Word/Excel template in a process step. The user who completed the step must be allowed
/// everything a person doing it by hand would (download the template, see the company or complaint, write to the
/// folder); a step without a user may only write a complaint's letter into that complaint's own folder.
/// </summary>
[ServiceTaskHandler("crm.document.generate", DisplayName = "Generate a document from a template", Category = "Documents",
    Description = "Fills a .docx/.xlsx template from the DMS folder 'Templates' for a company, person, case or complaint and stores the result (optionally as PDF) as a new document.")]
[HandlerInput("template", Required = true, Description = "The template's document id or its title")]
[HandlerInput("counterpartyId", Description = "The company the letter is for")]
[HandlerInput("personId", Description = "The person at that company")]
[HandlerInput("caseId", Description = "The case it concerns")]
[HandlerInput("complaintId", Description = "The complaint it concerns (its folder is the default output folder)")]
[HandlerInput("folderId", Description = "Where the document goes (needed unless a complaint is named)")]
[HandlerInput("title", Description = "The document's title")]
[HandlerInput("pdf", "boolean", Description = "true: store a PDF made with LibreOffice")]
[HandlerOutput("documentId", Description = "The new document")]
public sealed class GenerateDocumentHandler(LetterGeneration letters, UserDirectory users) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var user = context.UserName is { } name ? await users.CurrentUserAsync(name, cancellationToken) : null;
        try
        {
            var template = await TemplateIdAsync(context, user, cancellationToken);
            var about = new LetterSubject(Id(context, "counterpartyId"), Id(context, "personId"), Id(context, "caseId"), Id(context, "complaintId"));
            var pdf = context.Inputs.GetValueOrDefault("pdf")?.ToString() is "true" or "True";
            var letter = await letters.AddAsync(new GenerateLetter(template, about, Id(context, "folderId"), Text(context, "title"), pdf), user, user?.UserName ?? "process", AccessContext.Internal, cancellationToken);
            return new Dictionary<string, JsonNode?> { ["documentId"] = letter.DocumentId.ToString() };
        }
        catch (DomainException ex)
        {
            var detail = ex is ValidationFailedException invalid ? string.Join(" ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) : ex.Message;
            throw new ServiceTaskFailedException($"The document was not generated: {detail}");
        }
    }

    private async Task<Guid> TemplateIdAsync(ServiceTaskContext context, CurrentUser? user, CancellationToken cancellationToken)
    {
        var text = Text(context, "template") ?? throw new ServiceTaskFailedException("Name the template (input 'template': its id or title).");
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        if (user is null)
        {
            throw new ServiceTaskFailedException("Without a user behind the step, give the template's id, not its title.");
        }

        var matches = (await letters.TemplatesAsync(user, cancellationToken)).Where(t => string.Equals(t.Title, text, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0].Id : throw new ServiceTaskFailedException($"No single template titled '{text}' in the Templates folder.");
    }

    private static string? Text(ServiceTaskContext context, string name) =>
        context.Inputs.GetValueOrDefault(name) is { } value && value.ToString() is { Length: > 0 } text ? text : null;

    private static Guid? Id(ServiceTaskContext context, string name)
    {
        var text = Text(context, name);
        return text is null ? null : Guid.TryParse(text, out var id) ? id : throw new ServiceTaskFailedException($"Input '{name}' is not an id: {text}.");
    }
}
