namespace Crm.Modules.Templates.Filling;

/// <summary>Resolves placeholder keys against the data, or against one list row inside a repeated row.</summary>
internal sealed class FillScope
{
    private readonly string? _listName;
    private readonly IReadOnlyDictionary<string, string?>? _row;
    private readonly List<string> _unknown;
    private readonly HashSet<string> _reported;

    public FillScope(TemplateData data)
        : this(data, null, null, [], new HashSet<string>(StringComparer.OrdinalIgnoreCase))
    {
    }

    private FillScope(TemplateData data, string? listName, IReadOnlyDictionary<string, string?>? row, List<string> unknown, HashSet<string> reported)
    {
        Data = data;
        _listName = listName;
        _row = row;
        _unknown = unknown;
        _reported = reported;
    }

    public TemplateData Data { get; }

    public IReadOnlyList<string> Unknown => _unknown;

    public FillScope ForRow(string listName, IReadOnlyDictionary<string, string?> row) => new(Data, listName, row, _unknown, _reported);

    /// <summary>The value, or empty text for a key the data lacks (reported once). A list field outside its row is unknown.</summary>
    public string Resolve(string key)
    {
        if (_listName is not null && _row is not null && Data.ListOf(key) is { } list
            && string.Equals(list, _listName, StringComparison.OrdinalIgnoreCase)
            && _row.TryGetValue(key[(list.Length + 1)..], out var field))
        {
            return field ?? "";
        }

        if (Data.Values.TryGetValue(key, out var value))
        {
            return value ?? "";
        }

        if (_reported.Add(key))
        {
            _unknown.Add(key);
        }

        return "";
    }
}
