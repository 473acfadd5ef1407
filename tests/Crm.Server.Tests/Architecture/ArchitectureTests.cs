using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using Crm.Designer;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Crm.Workflows;
using Microsoft.AspNetCore.Components;
using Xunit;

namespace Crm.Server.Tests.Architecture;

/// <summary>
/// The floor plan (docs/architecture.md), checked on the compiled code with ArchUnitNET (it reads method
/// bodies too, not only signatures): arrows only go down, modules meet only through declared contracts,
/// pages go through use cases. A failure lists every offending arrow as "source -> target".
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Product = new(() => new ArchLoader().LoadAssemblies(
        typeof(ProcessEngine).Assembly,      // Crm.Workflow: the engine
        typeof(CrmDbContext).Assembly,       // Crm.Engine: platform + business modules
        typeof(WorkflowSetup).Assembly,      // Crm.Workflows: built-in processes
        typeof(DesignerSetup).Assembly,      // Crm.Designer: the web UI
        typeof(Program).Assembly).Build());  // Crm.Server: the host

    /// <summary>Which wing (or module) a namespace belongs to; null for types outside the product.</summary>
    internal static string? Wing(string ns) => ns switch
    {
        _ when Under(ns, "Crm.Workflows") => "workflows",
        _ when Under(ns, "Crm.Workflow") => "engine",
        _ when Under(ns, "Crm.Platform") => "platform",
        _ when Under(ns, "Crm.Modules") => "module:" + ns.Split('.')[2],
        _ when Under(ns, "Crm.Designer") => "designer",
        _ when Under(ns, "Crm.Server") => "host",
        _ when Under(ns, "Crm.Storage") => "storage",
        _ => null,
    };

    [Fact]
    public void Parsers_of_uploaded_files_run_only_in_the_extraction_worker()
    {
        // A parser's stack overflow cannot be caught: in the server it would take the node down (decision 0008).
        var architecture = new ArchLoader().LoadAssemblies(typeof(ProcessEngine).Assembly, typeof(CrmDbContext).Assembly, typeof(WorkflowSetup).Assembly,
            typeof(DesignerSetup).Assembly, typeof(Program).Assembly, typeof(Crm.Storage.Objects.IObjectStore).Assembly).Build();
        string[] parsers = ["Crm.Extraction.TextExtractor", "Crm.Extraction.OfficeText", "Crm.Extraction.PdfText", "Crm.Extraction.MailText",
            "Crm.Extraction.PlainText", "Crm.Extraction.RtfText", "Crm.Extraction.Ocr"];
        var violations = architecture.Types
            .SelectMany(t => t.Dependencies.Select(d => d.Target).Distinct()
                .Where(target => parsers.Contains(target.FullName) || Ns(target).StartsWith("UglyToad.PdfPig", StringComparison.Ordinal))
                .Select(target => (t.FullName, target.FullName)))
            .Distinct().ToList();
        Assert.True(violations.Count == 0, Describe("Only the extraction worker may call the parsers of uploaded files", violations));
    }

    [Fact]
    public void Workflow_engine_knows_no_platform_module_process_or_ui()
    {
        var violations = Arrows(from => from == "engine", to => to is not ("engine" or null));
        Assert.True(violations.Count == 0, Describe("The workflow engine must not reference anything above it", violations));
    }

    [Fact]
    public void Platform_references_no_business_module()
    {
        // The one DbContext declares each module's tables in a partial part that lives in the module's folder.
        var violations = Arrows(from => from == "platform", to => to is not null && (to.StartsWith("module:", StringComparison.Ordinal) || to is "workflows" or "designer" or "host"))
            .Where(v => v.Source != typeof(CrmDbContext).FullName).ToList();
        Assert.True(violations.Count == 0, Describe("The platform must not reference a business module, a process or the UI", violations));
    }

    [Fact]
    public void Modules_meet_only_through_declared_contracts()
    {
        var violations = new List<(string Source, string Target)>();
        foreach (var type in Product.Value.Types)
        {
            if (Wing(Ns(type)) is not { } from || !from.StartsWith("module:", StringComparison.Ordinal))
            {
                continue;
            }

            // A method's generic parameter is no arrow (ArchUnitNET names it after a same-named one in another module).
            foreach (var target in type.Dependencies.Select(d => d.Target).Where(t => t is not GenericParameter).Distinct())
            {
                if (Wing(Ns(target)) is { } to && to.StartsWith("module:", StringComparison.Ordinal) && to != from
                    && !target.AttributeInstances.Any(a => a.Type.Name == "ModuleContractAttribute"))
                {
                    violations.Add((type.FullName, target.FullName));
                }
            }

            // Nothing above the modules: their processes (workflows/), the UI, the host.
            foreach (var target in type.Dependencies.Select(d => d.Target).Where(t => Wing(Ns(t)) is "workflows" or "designer" or "host").Distinct())
            {
                violations.Add((type.FullName, target.FullName));
            }
        }

        Assert.True(violations.Count == 0, Describe("A module may use another module only through types marked [ModuleContract], and nothing above the modules", violations));
    }

    [Fact]
    public void No_wing_or_module_is_in_a_dependency_cycle_with_another()
    {
        var edges = Product.Value.Types
            .SelectMany(t => t.Dependencies.Select(d => (From: Wing(Ns(t)), To: Wing(Ns(d.Target)))))
            .Where(e => e.From is not null && e.To is not null && e.From != e.To)
            .Select(e => (From: e.From!, To: e.To!))
            .Where(e => !(e.From == "platform" && e.To.StartsWith("module:", StringComparison.Ordinal)))   // the DbContext's module parts (see above)
            .Distinct().ToList();
        var cycles = new List<string>();
        foreach (var (from, to) in edges)
        {
            if (Reaches(edges, to, from, [from]))
            {
                cycles.Add($"{from} -> {to} -> ... -> {from}");
            }
        }

        Assert.True(cycles.Count == 0, "Wings and modules in a cycle:\n" + string.Join('\n', cycles));
    }

    [Fact]
    public void Pages_use_use_cases_not_the_database()
    {
        var component = typeof(ComponentBase).FullName!;
        var violations = new List<(string Source, string Target)>();
        foreach (var type in Product.Value.Types.Where(t => Wing(Ns(t)) == "designer"))
        {
            foreach (var target in type.Dependencies.Select(d => d.Target).Distinct()
                .Where(t => t.FullName is "Crm.Platform.Persistence.CrmDbContext" or "Crm.Workflow.Persistence.WorkflowDbContext"))
            {
                violations.Add((type.FullName, target.FullName));
            }
        }

        Assert.True(violations.Count == 0, Describe($"The UI ({component} and its helpers) must not use the DbContext; call a module's service or use case", violations));
    }

    private static List<(string Source, string Target)> Arrows(Func<string, bool> fromWing, Func<string?, bool> forbidden) =>
        [.. Product.Value.Types
            .Where(t => Wing(Ns(t)) is { } w && fromWing(w))
            .SelectMany(t => t.Dependencies.Select(d => d.Target).Distinct()
                .Where(target => forbidden(Wing(Ns(target))))
                .Select(target => (t.FullName, target.FullName)))
            .Distinct()];

    private static bool Reaches(List<(string From, string To)> edges, string from, string goal, HashSet<string> seen)
    {
        foreach (var (_, next) in edges.Where(e => e.From == from))
        {
            if (next == goal)
            {
                return true;
            }

            if (seen.Add(next) && Reaches(edges, next, goal, seen))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Generic parameters and some compiler-made types have no namespace.</summary>
    private static string Ns(IType type) => type.Namespace?.FullName ?? "";

    private static bool Under(string ns, string root) => ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);

    private static string Describe(string rule, List<(string Source, string Target)> violations) =>
        $"{rule}; {violations.Count} arrow(s):\n" + string.Join('\n', violations.Take(50).Select(v => $"  {v.Source} -> {v.Target}"));
}
