namespace Crm.Designer.Components.Tasks;

/// <summary>A record a task can concern, as the inbox filter shows it: its id (what the filter matches), title and kind.</summary>
public sealed record LinkedRecord(string Id, string Title, string Group);
