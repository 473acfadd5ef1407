using System.Text;
using Crm.Workflow.Common;

namespace Crm.Modules.Counterparties;

/// <summary>The fields a CSV column can be mapped to.</summary>
public static class ImportFields
{
    public static readonly IReadOnlyList<string> All = ["name", "shortName", "nip", "regon", "vatEu", "street", "postalCode", "city", "country", "iban", "category", "region", "industry", "email", "phone"];

    /// <summary>Guesses the mapping from header names (Polish and English).</summary>
    public static string? Guess(string header)
    {
        var h = CounterpartyService.Fold(header).Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return h switch
        {
            "name" or "nazwa" or "nazwafirmy" or "firma" => "name",
            "shortname" or "skrot" or "nazwaskrocona" => "shortName",
            "nip" or "taxid" => "nip",
            "regon" => "regon",
            "vat" or "vateu" or "nipue" => "vatEu",
            "street" or "ulica" or "adres" => "street",
            "postalcode" or "kodpocztowy" or "kod" or "zip" => "postalCode",
            "city" or "miasto" or "miejscowosc" => "city",
            "country" or "kraj" => "country",
            "iban" or "konto" or "rachunek" or "nrkonta" => "iban",
            "category" or "kategoria" => "category",
            "region" => "region",
            "industry" or "branza" => "industry",
            "email" or "e-mail" or "mail" => "email",
            "phone" or "telefon" or "tel" => "phone",
            _ => null,
        };
    }

    /// <summary>Also recognises the key or label of a custom field (mapped to <c>cf.key</c>).</summary>
    public static string? Guess(string header, Fields.FieldContext context)
    {
        var folded = CounterpartyService.Fold(header);
        return Guess(header) ?? context.Fields.Where(f => CounterpartyService.Fold(f.Key) == folded || CounterpartyService.Fold(f.Label) == folded)
            .Select(f => "cf." + f.Key).FirstOrDefault();
    }
}

public sealed record ImportRowResult(int Line, string? Name, string Status, IReadOnlyDictionary<string, string[]> Errors, string? Duplicate, Guid? Id);

public sealed record ImportReport(int Rows, int Valid, int Invalid, int Duplicates, int Imported, IReadOnlyList<ImportRowResult> Results);

/// <summary>
/// CSV import of counterparties: columns mapped to fields, every row validated like a single create (checksums,
/// postal codes), likely duplicates reported; a preview changes nothing, the import creates the valid rows
/// (duplicates skipped unless asked) and reports every line.
/// </summary>
public sealed class CounterpartyImport(CounterpartyService counterparties)
{
    public const int MaxRows = 20_000;

    public static (IReadOnlyList<string> Header, List<string[]> Rows) ParseCsv(string text)
    {
        var lines = SplitRecords(text);
        if (lines.Count == 0)
        {
            throw ValidationFailedException.For("file", "The file is empty.");
        }

        var separator = lines[0].Count(c => c == ';') > lines[0].Count(c => c == ',') ? ';' : ',';
        var header = SplitFields(lines[0], separator);
        var rows = lines.Skip(1).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => SplitFields(l, separator)).ToList();
        return rows.Count > MaxRows ? throw ValidationFailedException.For("file", $"At most {MaxRows} rows per import.") : (header, rows);
    }

    public const int MaxPreviewRows = 1000;

    /// <param name="mapping">Column index → field name (see <see cref="ImportFields.All"/>).</param>
    public async Task<ImportReport> RunAsync(List<string[]> rows, IReadOnlyDictionary<int, string> mapping, bool commit, bool importDuplicates, CurrentUser user,
        IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (!mapping.Values.Contains("name"))
        {
            throw ValidationFailedException.For("mapping", "Map one column to the name.");
        }

        if (!commit && rows.Count > MaxPreviewRows)
        {
            // A preview answers "does this NIP exist?" per line: capped, so it cannot sweep the register.
            throw ValidationFailedException.For("rows", $"A preview checks at most {MaxPreviewRows} lines; preview the file in parts (this one has {rows.Count}).");
        }

        var context = await counterparties.FieldContextAsync(cancellationToken);
        // The defaults for unmapped columns must not clash with dictionaries an admin has filled without them.
        var source = Allowed(context, Fields.DictionaryService.Source, "import") ? "import" : null;
        IReadOnlyList<string>? defaultCategory = Allowed(context, Fields.DictionaryService.Category, "customer") ? ["customer"] : null;
        var results = new List<ImportRowResult>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            string? Field(string name) => mapping.Where(m => m.Value == name).Select(m => m.Key < row.Length ? row[m.Key].Trim() : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            var request = new CreateCounterpartyRequest("company", Field("name"), Field("shortName"), Field("nip"), Field("regon"), Field("vatEu"), Field("industry"), null, source,
                Field("category") is { } category ? [category] : defaultCategory, Field("region"), null, null, null, "PLN",
                Field("street") is null && Field("city") is null ? null : [new AddressInput("registered", Field("street"), Field("postalCode"), Field("city"), Field("country") ?? "PL", null, null)],
                Field("iban") is { } iban ? [new BankAccountInput(iban, null)] : null, null, AllowDuplicate: importDuplicates,
                CustomFields: CustomValues(mapping, row));
            var line = i + 2;   // the header is line 1
            try
            {
                var errors = counterparties.Validate(request, context, user);
                if (errors.Count > 0)
                {
                    results.Add(new ImportRowResult(line, request.Name, "invalid", errors, null, null));
                }
                else if (!importDuplicates && await counterparties.DuplicatesAsync(request.Name!.Trim(), CounterpartyService.NormalizeNip(request.Nip), Field("city"), user, cancellationToken) is { Count: > 0 } duplicates)
                {
                    results.Add(new ImportRowResult(line, request.Name, "duplicate", new Dictionary<string, string[]>(), string.Join(", ", duplicates.Select(d => d.Describe())), null));
                }
                else if (commit)
                {
                    var id = await counterparties.CreateAsync(request with { AllowDuplicate = true }, user, cancellationToken);
                    results.Add(new ImportRowResult(line, request.Name, "imported", new Dictionary<string, string[]>(), null, id));
                }
                else
                {
                    results.Add(new ImportRowResult(line, request.Name, "valid", new Dictionary<string, string[]>(), null, null));
                }
            }
            catch (ValidationFailedException ex)
            {
                results.Add(new ImportRowResult(line, request.Name, "invalid", ex.Errors.ToDictionary(), null, null));
            }

            if (i % 20 == 0 || i == rows.Count - 1)
            {
                progress?.Report((i + 1) * 100 / rows.Count);
            }
        }

        return new ImportReport(rows.Count, results.Count(r => r.Status is "valid" or "imported"), results.Count(r => r.Status == "invalid"),
            results.Count(r => r.Status == "duplicate"), results.Count(r => r.Status == "imported"), results);
    }

    private static bool Allowed(Fields.FieldContext context, string dictionary, string value) =>
        context.Entries(dictionary) is not { Count: > 0 } entries || entries.Contains(value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Columns mapped to custom fields (<c>cf.key</c>); a multi-choice cell lists its choices separated by '|'.</summary>
    private static Dictionary<string, System.Text.Json.JsonElement>? CustomValues(IReadOnlyDictionary<int, string> mapping, string[] row)
    {
        var values = mapping.Where(m => m.Value.StartsWith("cf.", StringComparison.Ordinal) && m.Key < row.Length && row[m.Key].Trim().Length > 0)
            .ToDictionary(m => m.Value[3..], m => System.Text.Json.JsonSerializer.SerializeToElement(row[m.Key].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
        return values.Count > 0 ? values : null;
    }

    /// <summary>Records, honouring quoted fields that contain line breaks.</summary>
    private static List<string> SplitRecords(string text)
    {
        var records = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text.TrimStart('\uFEFF'))
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if ((c == '\n') && !quoted)
            {
                records.Add(current.ToString().TrimEnd('\r'));
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            records.Add(current.ToString().TrimEnd('\r'));
        }

        return records;
    }

    private static string[] SplitFields(string record, char separator)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < record.Length; i++)
        {
            var c = record[i];
            if (c == '"')
            {
                if (quoted && i + 1 < record.Length && record[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == separator && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return [.. fields];
    }
}
