using System.Security.Claims;
using System.Text;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Workflow.Processes;

/// <summary>HTTP API for definitions (deploy, versions, XML) and instances (start, read, history, cancel).</summary>
public static class ProcessApi
{
    public static IEndpointRouteBuilder MapProcessApi(this IEndpointRouteBuilder app)
    {
        var definitions = app.MapGroup("/api/process-definitions").WithTags("Process definitions");
        definitions.MapPost("/", DeployAsync)
            .Accepts<string>("application/xml", "text/xml", "multipart/form-data")
            .WithFormOptions(multipartBodyLengthLimit: DefinitionService.MaxXmlBytes + 64 * 1024)
            .WithName("DeployProcess")
            .WithSummary("Deploys BPMN 2.0 XML (raw body or a multipart file). 201 with a new version, 200 when the XML is unchanged, 400 listing every {elementId, message}.");
        definitions.MapGet("/", async (DefinitionService service, CancellationToken ct) => TypedResults.Ok(await service.ListLatestAsync(ct)))
            .WithName("ListProcesses").WithSummary("The latest version of every deployed process.");
        definitions.MapGet("/{key}", async (string key, DefinitionService service, CancellationToken ct) =>
                TypedResults.Ok(DefinitionService.View(await service.GetLatestAsync(key, ct))))
            .WithName("GetLatestProcess");
        definitions.MapGet("/{key}/versions/{version:int}/xml", async (string key, int version, CurrentUser user, DefinitionService service, CancellationToken ct) =>
                TypedResults.Text(DiagramXml.For((await service.GetVersionAsync(key, version, ct)).Xml, user), "application/xml", Encoding.UTF8))
            .WithName("GetProcessXml").WithSummary("The BPMN XML of one version: exactly as deployed for process owners and admins; the diagram only (no scripts, conditions, mappings, forms) for others.");

        var instances = app.MapGroup("/api/process-instances").WithTags("Process instances");
        instances.MapPost("/", async (StartInstanceRequest request, CurrentUser user, RuntimeService service, CancellationToken ct) =>
            {
                var started = await service.StartAsync(request, user, ct);
                return TypedResults.Created($"/api/process-instances/{started.Id}", started);
            })
            .WithName("StartProcess").WithSummary("Starts the latest version of a process.");
        instances.MapGet("/", async (string? processKey, string? state, string? businessKey, int? page, int? pageSize, CurrentUser user, RuntimeService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(processKey, state, businessKey, page ?? 1, pageSize ?? 50, user, ct)))
            .WithName("ListInstances");
        instances.MapGet("/{id:guid}", async (Guid id, CurrentUser user, RuntimeService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(id, user, ct)))
            .WithName("GetInstance");
        instances.MapGet("/{id:guid}/history", async (Guid id, CurrentUser user, RuntimeService service, CancellationToken ct) =>
                TypedResults.Ok(await service.HistoryAsync(id, user, ct)))
            .WithName("GetInstanceHistory");
        instances.MapPost("/{id:guid}/cancel", async (Guid id, CurrentUser user, RuntimeService service, CancellationToken ct) =>
                TypedResults.Ok(await service.CancelAsync(id, user, ct)))
            .WithName("CancelInstance");
        instances.MapPost("/{id:guid}/trigger", async (Guid id, TriggerRequest request, CurrentUser user, RuntimeService service, CancellationToken ct) =>
                TypedResults.Ok(await service.TriggerAsync(id, request.ElementId, request.Variables, user, ct)))
            .WithName("TriggerInstance").WithSummary("Moves on a receive task that waits without a message (elementId), with optional variables; 409 when nothing waits there.");
        instances.MapPut("/{id:guid}/variables", async (Guid id, Dictionary<string, System.Text.Json.Nodes.JsonNode?> variables, CurrentUser user, RuntimeService service, CancellationToken ct) =>
                TypedResults.Ok(await service.SetVariablesAsync(id, variables, user, ct)))
            .WithName("SetInstanceVariables").WithSummary("Sets process-level variables of a running instance (process owners), e.g. to fix data before retrying an incident.");
        instances.MapPost("/migrate", async (MigrationRequest request, CurrentUser user, InstanceMigrationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.MigrateAsync(request, user, ct)))
            .WithName("MigrateInstances")
            .WithSummary("Moves running instances to another version with an element mapping; refuses (400, per instance and element) any mapping that would strand work.");
        return app;
    }

    private static async Task<Results<Created<DefinitionView>, Ok<DefinitionView>>> DeployAsync(
        HttpRequest request, CurrentUser user, DefinitionService service, CancellationToken ct)
    {
        var xml = await ReadXmlAsync(request, ct);
        var result = await service.DeployAsync(xml, user, ct);
        return result.Created
            ? TypedResults.Created($"/api/process-definitions/{result.Definition.Key}", result.Definition)
            : TypedResults.Ok(result.Definition);
    }

    internal static async Task<string> ReadXmlAsync(HttpRequest request, CancellationToken ct)
    {
        Stream source;
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(ct);
            }
            catch (InvalidDataException)
            {
                // The multipart limit on this endpoint stopped the upload before it was buffered.
                throw ValidationFailedException.For("file", $"The file is larger than {DefinitionService.MaxXmlBytes / 1024 / 1024} MB.");
            }

            var file = (form.Files.Count > 0 ? form.Files[0] : null) ?? throw ValidationFailedException.For("file", "Attach a .bpmn file.");
            if (file.Length > DefinitionService.MaxXmlBytes)
            {
                throw ValidationFailedException.For("file", $"The file is larger than {DefinitionService.MaxXmlBytes / 1024 / 1024} MB.");
            }

            source = file.OpenReadStream();
        }
        else
        {
            source = request.Body;
        }

        await using (source)
        {
            // Read at most the limit plus one character: enough to tell an oversized body without buffering it.
            using var reader = new StreamReader(source, Encoding.UTF8);
            var buffer = new char[DefinitionService.MaxXmlBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(length), ct)) > 0)
            {
                length += read;
            }

            if (length > DefinitionService.MaxXmlBytes)
            {
                throw ValidationFailedException.For("body", $"The definition is larger than {DefinitionService.MaxXmlBytes / 1024 / 1024} MB.");
            }

            if (length == 0)
            {
                throw ValidationFailedException.For("body", "Send the BPMN XML as the request body (Content-Type: application/xml) or as a multipart file.");
            }

            return new string(buffer, 0, length);
        }
    }
}

/// <summary>The receive task to trigger and the variables to set with it.</summary>
public sealed record TriggerRequest(string? ElementId, Dictionary<string, System.Text.Json.Nodes.JsonNode?>? Variables);
