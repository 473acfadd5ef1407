namespace Crm.Modules.Templates.Filling;

/// <summary>The template formats the fillers read (.dotx and .xltx templates open too and come out as documents).</summary>
public enum TemplateKind
{
    Docx,
    Xlsx,
}
