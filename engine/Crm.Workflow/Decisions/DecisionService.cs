using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Decisions;

public sealed record DecisionView(Guid Id, string Key, int Version, string? Name, string HitPolicy, DateTimeOffset DeployedAt, string? DeployedBy,
    IReadOnlyList<DecisionColumnView> Inputs, IReadOnlyList<DecisionColumnView> Outputs, int Rules);

public sealed record DecisionColumnView(string Id, string Label, string Expression, string? TypeRef);

public sealed record DecisionDeployResult(IReadOnlyList<DecisionView> Decisions, bool Created);

public sealed record EvaluateDecisionRequest(Dictionary<string, JsonNode?>? Variables, int? Version);

public sealed record DecisionEvaluationView(Guid Id, string DecisionKey, int Version, Guid? InstanceId, string? ElementId, bool IsTest,
    JsonNode? Inputs, IReadOnlyList<string> MatchedRules, JsonNode? Result, DateTimeOffset At, string? By);

/// <summary>Parsed decision tables by definition row: a row never changes, so it is parsed once per process.</summary>
public static class DecisionTables
{
    private static readonly ConcurrentDictionary<Guid, IReadOnlyList<DecisionTable>> Parsed = new();

    public static DecisionTable Of(DecisionDefinition definition) => FileOf(definition).First(t => t.Key == definition.Key);

    /// <summary>Every decision of the file the definition was deployed with: where its required decisions come from.</summary>
    public static IReadOnlyList<DecisionTable> FileOf(DecisionDefinition definition) =>
        Parsed.GetOrAdd(definition.Id, _ => DmnParser.Parse(definition.Xml));

    /// <summary>The latest version, or the one asked for; null when none is deployed.</summary>
    public static Task<DecisionDefinition?> FindAsync(WorkflowDbContext db, string key, int? version, CancellationToken cancellationToken) =>
        db.DecisionDefinitions.AsNoTracking().Where(d => d.Key == key && (version == null || d.Version == version))
            .OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The history row of one evaluation (added to the caller's unit of work).</summary>
    public static DecisionEvaluation Record(DecisionDefinition definition, DecisionOutcome outcome, Guid? instanceId, string? elementId, bool isTest, string? by, DateTimeOffset at) => new()
    {
        DecisionKey = definition.Key,
        Version = definition.Version,
        InstanceId = instanceId,
        ElementId = elementId,
        IsTest = isTest,
        Inputs = JsonSerializer.Serialize(outcome.Inputs),
        MatchedRules = JsonSerializer.Serialize(outcome.MatchedRuleIds),
        Result = outcome.Aggregated ? outcome.Aggregate?.ToJsonString() ?? "null" : JsonSerializer.Serialize(outcome.Results),
        At = at,
        By = by,
    };
}

/// <summary>Deploys DMN files, lists decisions, evaluates one for a test and shows what decisions decided.</summary>
public sealed class DecisionService(WorkflowDbContext db, DecisionEvaluator evaluator, TimeProvider clock)
{
    public const int MaxXmlBytes = 5 * 1024 * 1024;

    /// <summary>Validates every decision of the file (errors name the decision, rule or column) and stores a version of each that changed.</summary>
    public async Task<DecisionDeployResult> DeployAsync(string xml, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        var tables = DmnParser.Parse(xml);
        var decisions = System.Xml.Linq.XDocument.Parse(xml).Root!.Elements().Where(e => e.Name.LocalName == "decision")
            .ToDictionary(e => (string?)e.Attribute("id") ?? "", e => e.ToString(System.Xml.Linq.SaveOptions.DisableFormatting), StringComparer.Ordinal);
        return await ConflictRetry.RunAsync(db, async () =>
        {
            var created = false;
            var rows = new List<DecisionDefinition>();
            foreach (var table in tables)
            {
                // A version per changed decision: the hash is of this decision's own element and those of the decisions
                // it requires (they are evaluated from the same file), not of the whole file.
                var text = string.Concat(Requirements(table, tables).Order(StringComparer.Ordinal).Select(k => decisions[k]));
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(decisions[table.Key] + text)));
                var latest = await DecisionTables.FindAsync(db, table.Key, null, cancellationToken);
                if (latest is not null && latest.XmlHash == hash)
                {
                    rows.Add(latest);
                    continue;
                }

                var row = new DecisionDefinition
                {
                    Key = table.Key,
                    Version = (latest?.Version ?? 0) + 1,
                    Name = table.Name,
                    Xml = xml,
                    XmlHash = hash,
                    DeployedAt = clock.GetUtcNow(),
                    DeployedBy = user.UserName,
                };
                db.DecisionDefinitions.Add(row);
                rows.Add(row);
                created = true;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
            {
                throw new DbUpdateConcurrencyException("version taken", ex);   // two deploys at once: retry on top of the winner
            }

            return new DecisionDeployResult([.. rows.Select(View)], created);
        }, cancellationToken);
    }

    public async Task<List<DecisionView>> ListAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        var all = await db.DecisionDefinitions.AsNoTracking().ToListAsync(cancellationToken);
        return [.. all.GroupBy(d => d.Key).Select(g => g.MaxBy(d => d.Version)!).OrderBy(d => d.Name ?? d.Key, StringComparer.CurrentCultureIgnoreCase).Select(View)];
    }

    public async Task<(DecisionView View, string Xml)> GetAsync(string key, int? version, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        var row = await DecisionTables.FindAsync(db, key, version, cancellationToken) ?? throw new NotFoundException($"No decision '{key}'{(version is null ? "" : $" version {version}")} is deployed.");
        return (View(row), row.Xml);
    }

    /// <summary>"Test this decision": evaluates with the given variables, shows the matched rules, and keeps it in the history marked as a test.</summary>
    public async Task<DecisionEvaluationView> EvaluateAsync(string key, EvaluateDecisionRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        var row = await DecisionTables.FindAsync(db, key, request.Version, cancellationToken) ?? throw new NotFoundException($"No decision '{key}' is deployed.");
        DecisionOutcome outcome;
        try
        {
            outcome = evaluator.Evaluate(DecisionTables.Of(row), request.Variables ?? [], DecisionTables.FileOf(row));
        }
        catch (DecisionEvaluationException ex)
        {
            throw ValidationFailedException.For(ex.ElementId, ex.Message);
        }

        var record = DecisionTables.Record(row, outcome, null, null, isTest: true, user.UserName, clock.GetUtcNow());
        db.DecisionEvaluations.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return View(record);
    }

    /// <summary>The newest evaluations of a decision (or of one process instance), tests included.</summary>
    public async Task<List<DecisionEvaluationView>> HistoryAsync(string? key, Guid? instanceId, int take, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        var rows = await db.DecisionEvaluations.AsNoTracking()
            .Where(e => (key == null || e.DecisionKey == key) && (instanceId == null || e.InstanceId == instanceId))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        return [.. rows.Select(View)];
    }

    /// <summary>The keys of the decisions a decision requires, directly or through others.</summary>
    private static HashSet<string> Requirements(DecisionTable table, IReadOnlyList<DecisionTable> file)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(table.Required);
        while (stack.TryPop(out var key))
        {
            if (keys.Add(key) && file.FirstOrDefault(t => t.Key == key) is { } required)
            {
                foreach (var next in required.Required)
                {
                    stack.Push(next);
                }
            }
        }

        return keys;
    }

    private static void RequireOwner(CurrentUser user)
    {
        if (!user.IsProcessOwner)
        {
            throw new ForbiddenException("Only process owners and admins work with decisions.");
        }
    }

    private static DecisionView View(DecisionDefinition row)
    {
        var table = DecisionTables.Of(row);
        var kind = table.Literal is not null ? "LITERAL EXPRESSION"
            : table.HitPolicy.ToString().ToUpperInvariant() + (table.Aggregation == CollectAggregation.None ? "" : " " + table.Aggregation.ToString().ToUpperInvariant());
        return new DecisionView(row.Id, row.Key, row.Version, row.Name, kind,
            row.DeployedAt, row.DeployedBy,
            [.. table.Inputs.Select(i => new DecisionColumnView(i.Id, i.Label ?? i.Expression, i.Expression, i.TypeRef))],
            [.. table.Outputs.Select(o => new DecisionColumnView(o.Id, o.Label ?? o.Name, o.Name, o.TypeRef))],
            table.Rules.Count);
    }

    private static DecisionEvaluationView View(DecisionEvaluation row) => new(row.Id, row.DecisionKey, row.Version, row.InstanceId, row.ElementId, row.IsTest,
        JsonNode.Parse(row.Inputs), JsonSerializer.Deserialize<List<string>>(row.MatchedRules) ?? [], JsonNode.Parse(row.Result), row.At, row.By);
}
