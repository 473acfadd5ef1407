namespace Crm.Modules.Templates.Filling;

/// <summary>
/// The values a template is filled with: scalar values by dotted key (<c>counterparty.name</c>, <c>today</c>) and named
/// lists of rows (<c>costs</c> → rows with <c>type</c>, <c>amount</c>) for repeating table rows. Keys, list names and
/// row fields are case-insensitive. Values are text, already formatted the way the document should show them.
/// </summary>
public sealed class TemplateData
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<IReadOnlyDictionary<string, string?>>> _lists = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, string?> Values => _values;

    public IReadOnlyCollection<string> ListNames => _lists.Keys;

    /// <summary>The rows of a list, empty when the list was never added.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows(string listName) =>
        _lists.TryGetValue(listName, out var rows) ? rows : [];

    /// <summary>A null value is known and fills as empty text; only keys never set are reported as unknown.</summary>
    public TemplateData Set(string key, string? value)
    {
        _values[key.Trim()] = value;
        return this;
    }

    /// <summary>Appends rows to the named list; an empty sequence still declares the list, so its row is removed.</summary>
    public TemplateData AddList(string name, IEnumerable<IReadOnlyDictionary<string, string?>> rows)
    {
        if (!_lists.TryGetValue(name.Trim(), out var list))
        {
            list = [];
            _lists[name.Trim()] = list;
        }

        list.AddRange(rows.Select(row => new Dictionary<string, string?>(row, StringComparer.OrdinalIgnoreCase)));
        return this;
    }

    /// <summary>The list a placeholder such as <c>costs.amount</c> reads from; the longest matching list name wins.</summary>
    internal string? ListOf(string key) =>
        _lists.Keys.Where(name => key.Length > name.Length + 1 && key[name.Length] == '.'
                && key.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .MaxBy(name => name.Length);
}
