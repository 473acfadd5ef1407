using System.Xml.Linq;

namespace Crm.Workflow.Model;

public static class BpmnNamespaces
{
    public static readonly XNamespace BpmnNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    /// <summary>Our extension attributes and elements (prefix <c>crm:</c>).</summary>
    public static readonly XNamespace CrmNs = "http://workflow-crm.org/schema/bpmn/1.0";
    /// <summary>Camunda 7 extensions, accepted so existing models run.</summary>
    public static readonly XNamespace CamundaNs = "http://camunda.org/schema/1.0/bpmn";
    /// <summary>The legacy Activiti extensions Camunda still reads (<c>activiti:assignee</c> …): read like Camunda's.</summary>
    public static readonly XNamespace ActivitiNs = "http://activiti.org/bpmn";
}
