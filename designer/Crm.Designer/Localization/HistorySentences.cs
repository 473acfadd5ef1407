using System.Xml.Linq;
using Crm.Workflow.Processes;
using Microsoft.Extensions.Localization;

namespace Crm.Designer.Localization;

/// <summary>
/// One instance history entry as a sentence in the UI language: "Anna Kowalska created task “Approve offer”".
/// The texts are "History_" + the event type, with "_ByUser" variants where a person acted ({0} the person,
/// {1} the step, task or variable); an event type without a text shows its code rather than nothing.
/// </summary>
public static class HistorySentences
{
    public static string Describe(HistoryView entry, IStringLocalizer texts, IReadOnlyDictionary<string, string> elementNames, Func<string?, string> personName)
    {
        var subject = entry.Type == nameof(HistoryEventType.VariableSet)
            ? entry.Data?["name"]?.ToString() ?? ""
            : StepName(entry.ElementId, elementNames);
        if (!string.IsNullOrEmpty(entry.UserName) && texts[$"History_{entry.Type}_ByUser", personName(entry.UserName), subject] is { ResourceNotFound: false } byUser)
        {
            return byUser.Value;
        }

        var plain = texts[$"History_{entry.Type}", subject];
        return plain.ResourceNotFound ? entry.Type : plain.Value;
    }

    public static string StepName(string? elementId, IReadOnlyDictionary<string, string> elementNames) =>
        elementId is null ? "" : elementNames.GetValueOrDefault(elementId) ?? elementId;

    /// <summary>The names the process owner gave the steps in the BPMN model, by element id (elements without a name are left out).</summary>
    public static Dictionary<string, string> ElementNames(string? bpmnXml)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(bpmnXml))
        {
            return names;
        }

        try
        {
            foreach (var element in XDocument.Parse(bpmnXml).Descendants())
            {
                if (element.Attribute("id")?.Value is { } id && element.Attribute("name")?.Value is { Length: > 0 } name)
                {
                    names.TryAdd(id, name.ReplaceLineEndings(" "));
                }
            }
        }
        catch (System.Xml.XmlException)
        {
            // A model that does not parse keeps its ids on screen; the diagram viewer reports the model error itself.
        }

        return names;
    }
}
