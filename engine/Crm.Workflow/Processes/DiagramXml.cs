using System.Xml.Linq;
using Crm.Workflow.Common;
using Crm.Workflow.Model;

namespace Crm.Workflow.Processes;

/// <summary>
/// Who may read a model as deployed: process owners and admins. Everyone else who sees a process (a task's
/// diagram, an instance's progress) gets the diagram only: elements, names and layout, without scripts,
/// conditions, expressions, mappings, forms or any engine attribute.
/// </summary>
public static class DiagramXml
{
    public static string For(string xml, CurrentUser user) => user.IsProcessOwner ? xml : Strip(xml);

    public static string Strip(string xml)
    {
        var document = XDocument.Parse(xml);
        var bpmn = BpmnNamespaces.BpmnNs;
        document.Descendants(bpmn + "extensionElements").Remove();
        foreach (var text in document.Descendants().Where(e => e.Name.Namespace == bpmn
            && e.Name.LocalName is "script" or "conditionExpression" or "timeDate" or "timeCycle" or "timeDuration" or "completionCondition" or "loopCardinality").ToList())
        {
            text.RemoveNodes();
        }

        foreach (var element in document.Descendants())
        {
            element.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.Namespace != XNamespace.None).Remove();
        }

        return document.ToString(SaveOptions.DisableFormatting);
    }
}
