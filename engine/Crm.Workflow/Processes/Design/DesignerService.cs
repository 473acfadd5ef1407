using System.Xml;
using System.Xml.Linq;
using Crm.Workflow.Model;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;
using static Crm.Workflow.Model.BpmnNamespaces;

namespace Crm.Workflow.Processes.Design;

public sealed record DesignerDocument(string Key, string Xml, string Source, int? Version, DateTimeOffset? SavedAt, string? SavedBy);

public sealed record VersionView(Guid Id, int Version, DateTimeOffset DeployedAt, string? DeployedBy, int Running, int Total);

public sealed record ProcessOverview(string Key, string? Name, int LatestVersion, DateTimeOffset DeployedAt, string? DeployedBy,
    bool StartableByHand, bool HasDraft, IReadOnlyList<VersionCount> RunningPerVersion, string? StartForm = null);

public sealed record VersionCount(int Version, int Running);

public sealed record HeatMap(IReadOnlyDictionary<string, int> Active, IReadOnlyDictionary<string, int> Incidents, int Instances);

/// <summary>
/// What the designer needs beyond deploy: drafts (saved, never run), live validation, version history with
/// a diff, and per-element counts across running instances.
/// </summary>
public sealed class DesignerService(WorkflowDbContext db, DefinitionService definitions, ProcessModelCache models, HandlerCatalog handlers, TimeProvider clock)
{
    public IReadOnlyCollection<HandlerDescriptor> Handlers => handlers.All;

    /// <summary>The draft if there is one, else the latest version, else a new diagram with one start event.</summary>
    public async Task<DesignerDocument> OpenAsync(string? key, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        if (string.IsNullOrWhiteSpace(key))
        {
            var fresh = "process-" + Guid.NewGuid().ToString("N")[..6];
            return new DesignerDocument(fresh, NewDiagram(fresh, "New process"), "new", null, null, null);
        }

        var draft = await db.Set<ProcessDraft>().AsNoTracking().SingleOrDefaultAsync(d => d.Key == key, cancellationToken);
        if (draft is not null)
        {
            return new DesignerDocument(key, draft.Xml, "draft", null, draft.SavedAt, draft.SavedBy);
        }

        var latest = await definitions.GetLatestAsync(key, cancellationToken);
        return new DesignerDocument(key, latest.Xml, "version", latest.Version, latest.DeployedAt, latest.DeployedBy);
    }

    /// <summary>Every problem the engine would refuse at deploy, each with its element id (empty when valid).</summary>
    public IReadOnlyList<BpmnError> Lint(string xml)
    {
        try
        {
            models.ParseForDeploy(xml);
            return [];
        }
        catch (BpmnValidationException ex)
        {
            return ex.Errors;
        }
    }

    /// <summary>Saves work in progress under the process id of the diagram; a draft may be invalid.</summary>
    public async Task<DesignerDocument> SaveDraftAsync(string xml, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        var (key, name) = KeyOf(xml);
        var draft = await db.Set<ProcessDraft>().SingleOrDefaultAsync(d => d.Key == key, cancellationToken);
        var now = clock.GetUtcNow();
        if (draft is null)
        {
            draft = new ProcessDraft { Key = key, Xml = xml, SavedBy = user.UserName };
            db.Add(draft);
        }

        draft.Xml = xml;
        draft.Name = name;
        draft.SavedBy = user.UserName;
        draft.SavedAt = now;
        draft.Revision++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"Someone else saved the draft of '{key}' at the same moment; open it again.");
        }

        return new DesignerDocument(key, xml, "draft", null, now, user.UserName);
    }

    /// <summary>Deploys (validation errors name their elements) and drops the draft the version came from.</summary>
    public async Task<DeployResult> DeployAsync(string xml, CurrentUser user, CancellationToken cancellationToken)
    {
        var result = await definitions.DeployAsync(xml, user, cancellationToken);
        await db.Set<ProcessDraft>().Where(d => d.Key == result.Definition.Key).ExecuteDeleteAsync(cancellationToken);
        return result;
    }

    public async Task DiscardDraftAsync(string key, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        await db.Set<ProcessDraft>().Where(d => d.Key == key).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The process list of the designer: latest version, who deployed it, running instances per version.</summary>
    public async Task<List<ProcessOverview>> OverviewAsync(CancellationToken cancellationToken)
    {
        var latest = await definitions.ListLatestAsync(cancellationToken);
        var running = await db.ProcessInstances.AsNoTracking().Where(i => i.Status == InstanceStatus.Active)
            .GroupBy(i => new { i.ProcessKey, i.DefinitionVersion })
            .Select(g => new { g.Key.ProcessKey, g.Key.DefinitionVersion, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var drafts = await db.Set<ProcessDraft>().AsNoTracking().Select(d => new { d.Key, d.Name, d.SavedAt, d.SavedBy }).ToListAsync(cancellationToken);
        var result = latest.Select(d => new ProcessOverview(d.Key, d.Name, d.Version, d.DeployedAt, d.DeployedBy, d.StartableByHand,
            drafts.Any(x => x.Key == d.Key),
            [.. running.Where(r => r.ProcessKey == d.Key).OrderByDescending(r => r.DefinitionVersion).Select(r => new VersionCount(r.DefinitionVersion, r.Count))], d.StartForm)).ToList();
        // Drafts of processes never deployed are listed too, so work in progress is not lost from sight.
        result.AddRange(drafts.Where(x => latest.All(d => d.Key != x.Key))
            .Select(x => new ProcessOverview(x.Key, x.Name, 0, x.SavedAt, x.SavedBy, false, true, [])));
        return result;
    }

    public async Task<List<VersionView>> VersionsAsync(string key, CancellationToken cancellationToken)
    {
        var versions = await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == key)
            .Select(d => new { d.Id, d.Version, d.DeployedAt, d.DeployedBy }).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            throw new NotFoundException($"No process with key '{key}' is deployed.");
        }

        var counts = await db.ProcessInstances.AsNoTracking().Where(i => i.ProcessKey == key)
            .GroupBy(i => i.DefinitionVersion)
            .Select(g => new { Version = g.Key, Total = g.Count(), Running = g.Count(i => i.Status == InstanceStatus.Active) })
            .ToListAsync(cancellationToken);
        return [.. versions.OrderByDescending(v => v.Version).Select(v =>
        {
            var c = counts.SingleOrDefault(x => x.Version == v.Version);
            return new VersionView(v.Id, v.Version, v.DeployedAt, v.DeployedBy, c?.Running ?? 0, c?.Total ?? 0);
        })];
    }

    /// <summary>What changed between two versions; someone who is not a process owner sees the diagrams' differences only.</summary>
    public async Task<List<ElementDifference>> DiffAsync(string key, int from, int to, Common.CurrentUser user, CancellationToken cancellationToken)
    {
        var old = await definitions.GetVersionAsync(key, from, cancellationToken);
        var current = await definitions.GetVersionAsync(key, to, cancellationToken);
        return DefinitionDiff.Compare(DiagramXml.For(old.Xml, user), DiagramXml.For(current.Xml, user));
    }

    /// <summary>Where the running instances of one version are now, and where incidents hold them.</summary>
    public async Task<HeatMap> HeatMapAsync(Guid definitionId, CancellationToken cancellationToken)
    {
        var active = await db.ProcessInstances.AsNoTracking().Where(i => i.DefinitionId == definitionId && i.Status == InstanceStatus.Active)
            .Select(i => i.ActiveElementIds).ToListAsync(cancellationToken);
        var counts = active.SelectMany(ids => ids.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var incidents = await db.Jobs.AsNoTracking()
            .Where(j => j.Incident && db.ProcessInstances.Any(i => i.Id == j.InstanceId && i.DefinitionId == definitionId))
            .GroupBy(j => j.ElementId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new HeatMap(counts, incidents.Where(i => i.Key != null).ToDictionary(i => i.Key!, i => i.Count, StringComparer.Ordinal), active.Count);
    }

    public static (string Key, string? Name) KeyOf(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException ex)
        {
            throw ValidationFailedException.For("xml", $"The file is not well-formed XML: {ex.Message}");
        }

        var process = document.Root?.Elements(BpmnNs + "process").FirstOrDefault()
            ?? throw ValidationFailedException.For("xml", "The file contains no bpmn:process.");
        var key = (string?)process.Attribute("id");
        if (string.IsNullOrWhiteSpace(key) || key.Length > 200)
        {
            throw ValidationFailedException.For("xml", "The process needs an id (its key) of at most 200 characters.");
        }

        return (key, (string?)process.Attribute("name"));
    }

    /// <summary>An empty diagram: one start event, laid out, in our namespace.</summary>
    public static string NewDiagram(string key, string name)
    {
        var safeName = System.Security.SecurityElement.Escape(name);
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
              xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
              xmlns:crm="{CrmNs.NamespaceName}" id="{key}-definitions" targetNamespace="http://workflow-crm.org/processes">
              <bpmn:process id="{key}" name="{safeName}" isExecutable="true">
                <bpmn:startEvent id="start" name="Start" />
              </bpmn:process>
              <bpmndi:BPMNDiagram id="{key}-diagram">
                <bpmndi:BPMNPlane id="{key}-plane" bpmnElement="{key}">
                  <bpmndi:BPMNShape id="start_di" bpmnElement="start">
                    <dc:Bounds x="180" y="160" width="36" height="36" />
                  </bpmndi:BPMNShape>
                </bpmndi:BPMNPlane>
              </bpmndi:BPMNDiagram>
            </bpmn:definitions>
            """;
    }

    private static void RequireOwner(CurrentUser user)
    {
        if (!user.IsProcessOwner)
        {
            throw new ForbiddenException("Only process owners and admins use the designer.");
        }
    }
}
