using System.Xml.Linq;
using static Crm.Workflow.Model.BpmnNamespaces;

namespace Crm.Workflow.Processes.Design;

public enum ElementChange
{
    Added,
    Changed,
    Removed,
}

/// <summary>One element that differs between two versions; <see cref="Details"/> names what changed.</summary>
public sealed record ElementDifference(string ElementId, string Type, string? Name, ElementChange Change, IReadOnlyList<string> Details);

/// <summary>
/// Compares the process part of two BPMN documents element by element (by id). Layout (BPMNDI) is ignored:
/// moving a shape is not a change to what runs.
/// </summary>
public static class DefinitionDiff
{
    public static List<ElementDifference> Compare(string oldXml, string newXml)
    {
        var before = Elements(oldXml);
        var after = Elements(newXml);
        var result = new List<ElementDifference>();
        foreach (var (id, element) in after)
        {
            if (!before.TryGetValue(id, out var old))
            {
                result.Add(new ElementDifference(id, element.Name.LocalName, (string?)element.Attribute("name"), ElementChange.Added, []));
                continue;
            }

            var details = Differences(old, element);
            if (details.Count > 0)
            {
                result.Add(new ElementDifference(id, element.Name.LocalName, (string?)element.Attribute("name"), ElementChange.Changed, details));
            }
        }

        foreach (var (id, element) in before.Where(b => !after.ContainsKey(b.Key)))
        {
            result.Add(new ElementDifference(id, element.Name.LocalName, (string?)element.Attribute("name"), ElementChange.Removed, []));
        }

        return [.. result.OrderBy(r => r.Change).ThenBy(r => r.ElementId, StringComparer.Ordinal)];
    }

    private static Dictionary<string, XElement> Elements(string xml)
    {
        var document = XDocument.Parse(xml);
        return document.Descendants()
            .Where(e => e.Name.Namespace == BpmnNs && e.Attribute("id") is not null
                && e.Parent?.Name.LocalName is "process" or "subProcess" or "transaction" && e.Ancestors(BpmnNs + "process").Any())
            .GroupBy(e => (string)e.Attribute("id")!)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    private static List<string> Differences(XElement old, XElement current)
    {
        var details = new List<string>();
        if (old.Name != current.Name)
        {
            details.Add($"type {old.Name.LocalName} → {current.Name.LocalName}");
        }

        var names = old.Attributes().Concat(current.Attributes()).Where(a => !a.IsNamespaceDeclaration).Select(a => a.Name).Distinct();
        foreach (var name in names)
        {
            var a = (string?)old.Attribute(name);
            var b = (string?)current.Attribute(name);
            if (a != b)
            {
                details.Add($"{Label(name)}: {a ?? "—"} → {b ?? "—"}");
            }
        }

        // Children that carry meaning (conditions, timers, forms, multi-instance...), not the incoming/outgoing
        // references and not nested flow elements (those are compared on their own).
        var oldBody = Body(old);
        var newBody = Body(current);
        if (oldBody != newBody)
        {
            details.Add("content (conditions, timers, form or settings)");
        }

        return details;
    }

    private static string Body(XElement element) => string.Concat(element.Elements()
        .Where(c => c.Attribute("id") is null || c.Name.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal) || c.Name.LocalName.EndsWith("Characteristics", StringComparison.Ordinal))
        .Where(c => c.Name.LocalName is not ("incoming" or "outgoing"))
        .Select(c => c.ToString(SaveOptions.DisableFormatting)));

    private static string Label(XName name) =>
        name.Namespace == CrmNs ? "crm:" + name.LocalName : name.Namespace == CamundaNs ? "camunda:" + name.LocalName : name.LocalName;
}
