using Crm.Designer.Services;
using Crm.Platform.Identity;

namespace Crm.Designer.Components.People;

/// <summary>
/// Turns what the engine and the audit trail store about a person (a login such as "anna" or a user id) into the
/// display name people know ("Anna Kowalska"). One list per circuit, refreshed after a few minutes, so a page
/// with a hundred history rows asks the directory once.
/// </summary>
public sealed class PeopleNames(ScopedServices services, TimeProvider clock)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(5);
    private Dictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private Task? _loading;

    /// <summary>Loads (or refreshes) the directory; components on one page share one load.</summary>
    public Task LoadAsync()
    {
        if (_loading is null || clock.GetUtcNow() - _loadedAt >= Fresh)
        {
            _loadedAt = clock.GetUtcNow();
            _loading = LoadDirectoryAsync();
        }

        return _loading;
    }

    private async Task LoadDirectoryAsync() =>
        _names = Index(await services.RunAsync<UserDirectory, List<UserView>>(d => d.ListUsersAsync()));

    /// <summary>The display name for a login or user id; what is not a known user (for example "system") stays as it is.</summary>
    public string Name(string? loginOrId) =>
        string.IsNullOrEmpty(loginOrId) ? "" : _names.GetValueOrDefault(loginOrId) ?? loginOrId;

    public static Dictionary<string, string> Index(IEnumerable<UserView> users)
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in users)
        {
            names[user.UserName] = user.DisplayName;
            names[user.Id.ToString()] = user.DisplayName;
        }

        return names;
    }

    /// <summary>Up to two initials for an avatar: "Anna Kowalska" → "AK", "anna" → "A".</summary>
    public static string Initials(string name)
    {
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length switch
        {
            0 => "?",
            1 => char.ToUpperInvariant(parts[0][0]).ToString(),
            _ => string.Concat(char.ToUpperInvariant(parts[0][0]), char.ToUpperInvariant(parts[^1][0])),
        };
    }
}
