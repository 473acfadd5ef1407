using Crm.Platform.Access;

namespace Crm.Modules.Counterparties;

/// <summary>
/// Field rules on a counterparty's built-in fields: which the admin may give or take per role and group. The name is
/// always readable (it is how a record is known) and writable with the record; a field one may not read comes back
/// empty, a field one may not write is refused by name when given with another value than it has.
/// </summary>
public static class CounterpartyFieldRights
{
    public const string BankAccounts = "bankAccounts";

    /// <summary>
    /// The built-in fields the rules can name, and whether each is sensitive (trade terms) by default. Bank accounts are
    /// not: the shipped rules let everyone read them and managers and finance keep them.
    /// </summary>
    public static readonly IReadOnlyList<(string Key, string Label, bool Sensitive)> BuiltIn =
    [
        ("shortName", "Short name", false), ("nip", "NIP", false), ("regon", "REGON", false), ("vatEu", "EU VAT", false),
        ("industry", "Industry", false), ("priority", "Priority", false), ("classification", "Classification", false),
        ("source", "Acquisition source", false), ("categories", "Categories", false), ("region", "Region", false),
        ("owner", "Owner", false), ("currency", "Currency", false),
        ("paymentDays", "Payment days", true), ("creditLimit", "Credit limit", true), (BankAccounts, "Bank accounts", false),
    ];

    public static bool IsSensitive(string key) => BuiltIn.Any(f => f.Key == key && f.Sensitive);

    public static bool CanRead(this FieldGate gate, string key) => gate.CanRead(key, IsSensitive(key));

    public static bool CanWrite(this FieldGate gate, string key) => gate.CanWrite(key, IsSensitive(key));

    /// <summary>A value to show: the value, or null when the field is hidden from this user.</summary>
    public static T? Shown<T>(this FieldGate gate, string key, T? value) => gate.CanRead(key) ? value : default;

    /// <summary>Refuses each field given a new value that the user may not write (clearing counts as a change).</summary>
    public static void RefuseUnwritable(FieldGate gate, IEnumerable<(string Key, bool Changed)> fields, Action<string, string?> error)
    {
        foreach (var (key, changed) in fields)
        {
            if (changed && !gate.CanWrite(key))
            {
                error(key, $"You may not change {Label(key)}.");
            }
        }
    }

    private static string Label(string key) => BuiltIn.FirstOrDefault(f => f.Key == key).Label?.ToLowerInvariant() switch
    {
        null => key,
        "nip" or "regon" => key.ToUpperInvariant(),
        "eu vat" => "the EU VAT number",
        var label => "the " + label,
    };
}
