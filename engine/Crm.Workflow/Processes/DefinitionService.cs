using System.Security.Cryptography;
using System.Text;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Processes;

public sealed record DefinitionView(Guid Id, string Key, int Version, string? Name, DateTimeOffset DeployedAt, string? DeployedBy, bool StartableByHand = true, string? StartForm = null);

public sealed record DeployResult(DefinitionView Definition, bool Created);

/// <summary>Deploys and reads process definitions; each change of the XML under one key is a new version.</summary>
public sealed class DefinitionService(WorkflowDbContext db, ProcessModelCache models, Expressions.ExpressionEngine expressions, Tasks.ProtectedVariables protectedVariables, TimeProvider clock)
{
    public const int MaxXmlBytes = 5 * 1024 * 1024;

    /// <summary>Validates (every error with its element id) and stores a new version unless the XML is unchanged.</summary>
    public async Task<DeployResult> DeployAsync(string xml, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsProcessOwner)
        {
            throw new ForbiddenException("Only process owners and admins deploy processes.");
        }

        var model = models.ParseForDeploy(xml);
        if (protectedVariables.CheckModel(model) is { Count: > 0 } widened)
        {
            throw new Model.BpmnValidationException(widened);   // a redeployed built-in process may not let a task write what the application sets
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(xml)));
        return await ConflictRetry.RunAsync(db, async () =>
        {
            var latest = await db.ProcessDefinitions.AsNoTracking()
                .Where(d => d.Key == model.Key).OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
            if (latest is not null && latest.XmlHash == hash)
            {
                return new DeployResult(View(latest), Created: false);
            }

            var definition = new ProcessDefinition
            {
                Key = model.Key,
                Version = (latest?.Version ?? 0) + 1,
                Name = model.Name,
                Xml = xml,
                XmlHash = hash,
                DeployedAt = clock.GetUtcNow(),
                DeployedBy = user.UserName,
            };
            db.ProcessDefinitions.Add(definition);
            await StartEventRegistration.RegisterAsync(db, definition, model, expressions, clock.GetUtcNow(), cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
            {
                // Two deploys of one key at once: the unique (key, version) index lets one win; retry on top of it.
                throw new DbUpdateConcurrencyException("version taken", ex);
            }

            models.Deployed(definition.Key);
            return new DeployResult(View(definition), Created: true);
        }, cancellationToken);
    }

    /// <summary>The latest version of every process, with whether people may start it from a list.</summary>
    public async Task<List<DefinitionView>> ListLatestAsync(CancellationToken cancellationToken)
    {
        var all = await db.ProcessDefinitions.AsNoTracking()
            .Select(d => new { d.Id, d.Key, d.Version, d.Name, d.DeployedAt, d.DeployedBy })
            .ToListAsync(cancellationToken);
        var latest = all.GroupBy(d => d.Key).Select(g => g.MaxBy(d => d.Version)!)
            .OrderBy(d => d.Name ?? d.Key, StringComparer.CurrentCultureIgnoreCase).ToList();
        var views = new List<DefinitionView>(latest.Count);
        foreach (var d in latest)
        {
            var model = await models.GetAsync(db, d.Id, cancellationToken);
            views.Add(new DefinitionView(d.Id, d.Key, d.Version, d.Name, d.DeployedAt, d.DeployedBy, model.StartableByHand && model.NoneStartOf(null) is not null, model.NoneStartOf(null)?.StartForm));
        }

        return views;
    }

    public async Task<ProcessDefinition> GetLatestAsync(string key, CancellationToken cancellationToken) =>
        await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == key).OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken)
        ?? throw new NotFoundException($"No process with key '{key}' is deployed.");

    public Task<ProcessDefinition?> TryGetLatestAsync(string key, CancellationToken cancellationToken) =>
        db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == key).OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);

    public async Task<ProcessDefinition> GetVersionAsync(string key, int version, CancellationToken cancellationToken) =>
        await db.ProcessDefinitions.AsNoTracking().SingleOrDefaultAsync(d => d.Key == key && d.Version == version, cancellationToken)
        ?? throw new NotFoundException($"Process '{key}' has no version {version}.");

    public static DefinitionView View(ProcessDefinition d) => new(d.Id, d.Key, d.Version, d.Name, d.DeployedAt, d.DeployedBy);
}
