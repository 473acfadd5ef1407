namespace Crm.Modules.Templates.Filling;

/// <summary>
/// A filled document and the placeholders the data had no value for (in order of first appearance); those were
/// written as empty text so the caller can decide whether to warn or refuse.
/// </summary>
public sealed record TemplateFillResult(byte[] Bytes, IReadOnlyList<string> Unknown);
