#pragma warning disable CA1304, CA1311, CA1862 // the e-mail comparison becomes SQL lower(): .NET culture rules do not apply
using System.Text;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>One person read from a file: the fields of a create, plus the company named in it (name or NIP).</summary>
public sealed record PersonRecord(int Line, CreatePersonRequest Request, string? Company);

public sealed record PersonImportRow(int Line, string? Name, string Status, IReadOnlyDictionary<string, string[]> Errors, string? Note, Guid? Id);

public sealed record PersonImportReport(int Rows, int Valid, int Invalid, int Duplicates, int Imported, IReadOnlyList<PersonImportRow> Results);

/// <summary>
/// Import of contact persons from vCard (2.1, 3.0, 4.0: folded lines, escapes, quoted-printable) or CSV. Each
/// person is linked to the visible company its ORG/company column names (by NIP or name); same e-mail as an
/// existing person is reported as a likely duplicate. A preview changes nothing.
/// </summary>
public sealed class PersonImport(CrmDbContext db, CounterpartyAccess recordAccess, CrmActivityService activities)
{
    public const int MaxRows = 20_000;

    public static bool LooksLikeVCard(string text) => text.TrimStart('\uFEFF', ' ', '\r', '\n').StartsWith("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads CSV with headers like Imię;Nazwisko;Firma;Stanowisko;E-mail;Telefon (Polish or English).</summary>
    public static List<PersonRecord> ParseCsv(string text)
    {
        var (header, rows) = CounterpartyImport.ParseCsv(text);
        var columns = header.Select(h => CounterpartyService.Fold(h).Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal) switch
        {
            "firstname" or "imie" => "first",
            "lastname" or "nazwisko" or "surname" => "last",
            "company" or "firma" or "kontrahent" or "organization" or "nip" => "company",
            "position" or "stanowisko" or "title" => "position",
            "department" or "dzial" => "department",
            "email" or "mail" => "email",
            "phone" or "telefon" or "tel" => "phone",
            "birthday" or "urodziny" or "dataurodzenia" => "birthday",
            _ => null,
        }).ToList();
        return [.. rows.Select((row, i) =>
        {
            string? Field(string name) => columns.Select((c, index) => (c, index)).Where(x => x.c == name && x.index < row.Length).Select(x => row[x.index].Trim()).FirstOrDefault(v => v.Length > 0);
            return new PersonRecord(i + 2, new CreatePersonRequest(null, Field("first"), Field("last"), Field("position"), Field("department"), Field("email"), Field("phone"),
                DateOnly.TryParse(Field("birthday"), System.Globalization.CultureInfo.InvariantCulture, out var day) ? day : null), Field("company"));
        })];
    }

    public static List<PersonRecord> ParseVCards(string text)
    {
        var records = new List<PersonRecord>();
        Dictionary<string, List<string>>? card = null;
        var start = 0;
        var lines = Unfold(text);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var head = line[..colon];
            var value = line[(colon + 1)..];
            var parts = head.Split(';');
            var name = parts[0].ToUpperInvariant();
            var dot = name.IndexOf('.', StringComparison.Ordinal);   // item1.EMAIL → EMAIL
            name = dot >= 0 ? name[(dot + 1)..] : name;
            if (name == "BEGIN" && value.Trim().Equals("VCARD", StringComparison.OrdinalIgnoreCase))
            {
                card = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                start = i + 1;
                continue;
            }

            if (card is null)
            {
                continue;
            }

            if (name == "END")
            {
                records.Add(ToRecord(card, start));
                card = null;
                if (records.Count > MaxRows)
                {
                    throw ValidationFailedException.For("file", $"At most {MaxRows} persons per import.");
                }

                continue;
            }

            if (parts.Any(p => p.Equals("ENCODING=QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase) || p.Equals("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase)))
            {
                value = DecodeQuotedPrintable(value);
            }

            if (!card.TryGetValue(name, out var values))
            {
                card[name] = values = [];
            }

            values.Add(value);
        }

        return records;
    }

    public async Task<PersonImportReport> RunAsync(IReadOnlyList<PersonRecord> records, bool commit, bool importDuplicates, CurrentUser user, IProgress<int>? progress,
        CancellationToken cancellationToken)
    {
        if (records.Count > MaxRows)
        {
            throw ValidationFailedException.For("file", $"At most {MaxRows} persons per import.");
        }

        var results = new List<PersonImportRow>(records.Count);
        var companies = new Dictionary<string, Guid?>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var request = record.Request;
            var name = $"{request.FirstName} {request.LastName}".Trim();
            string? note = null;
            if (record.Company is { } company)
            {
                if (!companies.TryGetValue(company, out var companyId))
                {
                    companies[company] = companyId = await FindCompanyAsync(company, user, cancellationToken);
                }

                request = request with { CounterpartyId = companyId };
                note = companyId is null ? $"No company '{company}' you can see: the person is imported without one." : null;
            }

            var errors = CrmActivityService.ValidatePerson(request);
            var email = request.Email?.Trim().ToLowerInvariant();
            if (errors.Count > 0)
            {
                results.Add(new PersonImportRow(record.Line, name, "invalid", errors, note, null));
            }
            else if (!importDuplicates && email is not null && await PersonAccess.Visible(db, recordAccess, user).AnyAsync(p => p.Email != null && p.Email.ToLower() == email, cancellationToken))
            {
                results.Add(new PersonImportRow(record.Line, name, "duplicate", errors, $"A person with {request.Email} exists already.", null));
            }
            else if (commit)
            {
                var id = await activities.CreatePersonAsync(request, user, cancellationToken);
                results.Add(new PersonImportRow(record.Line, name, "imported", errors, note, id));
            }
            else
            {
                results.Add(new PersonImportRow(record.Line, name, "valid", errors, note, null));
            }

            if (i % 20 == 0 || i == records.Count - 1)
            {
                progress?.Report((i + 1) * 100 / records.Count);
            }
        }

        return new PersonImportReport(records.Count, results.Count(r => r.Status is "valid" or "imported"), results.Count(r => r.Status == "invalid"),
            results.Count(r => r.Status == "duplicate"), results.Count(r => r.Status == "imported"), results);
    }

    /// <summary>A NIP (digits) or a company name: exactly one visible match links, otherwise none.</summary>
    private async Task<Guid?> FindCompanyAsync(string company, CurrentUser user, CancellationToken cancellationToken)
    {
        var visible = recordAccess.Visible(db.Counterparties, user).Where(c => !c.Archived);
        var nip = CounterpartyService.NormalizeNip(company);
        if (nip is { Length: 10 } && nip.All(char.IsAsciiDigit))
        {
            return await visible.Where(c => c.Nip == nip).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
        }

        var folded = CounterpartyService.Fold(company);
        var matches = await visible.Where(c => c.SearchName == folded).Select(c => c.Id).Take(2).ToListAsync(cancellationToken);
        return matches.Count == 1 ? matches[0] : null;
    }

    private static PersonRecord ToRecord(Dictionary<string, List<string>> card, int line)
    {
        string? First(string key) => card.TryGetValue(key, out var v) ? v.Select(Unescape).FirstOrDefault(x => x.Length > 0) : null;
        var n = card.TryGetValue("N", out var nv) ? SplitStructured(nv[0]) : [];
        var last = n.ElementAtOrDefault(0);
        var first = n.ElementAtOrDefault(1);
        if (string.IsNullOrWhiteSpace(first) && string.IsNullOrWhiteSpace(last) && First("FN") is { } full)
        {
            var space = full.LastIndexOf(' ');
            (first, last) = space > 0 ? (full[..space], full[(space + 1)..]) : (full, null);
        }

        var org = card.TryGetValue("ORG", out var ov) ? SplitStructured(ov[0]) : [];
        var birthday = First("BDAY") is { } b && DateOnly.TryParse(b.Length == 8 && b.All(char.IsAsciiDigit) ? $"{b[..4]}-{b[4..6]}-{b[6..]}" : b[..Math.Min(10, b.Length)],
            System.Globalization.CultureInfo.InvariantCulture, out var day) ? day : (DateOnly?)null;
        return new PersonRecord(line, new CreatePersonRequest(null, first?.Trim(), last?.Trim(), First("TITLE") ?? First("ROLE"), org.ElementAtOrDefault(1), First("EMAIL"), First("TEL"), birthday),
            org.ElementAtOrDefault(0) is { Length: > 0 } o ? o : null);
    }

    /// <summary>Lines continued by a leading space or tab are joined (RFC 6350 folding); quoted-printable soft breaks (=) too.</summary>
    private static List<string> Unfold(string text)
    {
        var lines = new List<string>();
        foreach (var raw in text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.Length > 0 && (raw[0] == ' ' || raw[0] == '\t') && lines.Count > 0)
            {
                lines[^1] += raw[1..];
            }
            else if (lines.Count > 0 && lines[^1].EndsWith('=') && lines[^1].Contains("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase))
            {
                lines[^1] = lines[^1][..^1] + raw;
            }
            else
            {
                lines.Add(raw);
            }
        }

        return lines;
    }

    private static List<string> SplitStructured(string value)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                current.Append(value[i..(i + 2)]);
                i++;
            }
            else if (value[i] == ';')
            {
                parts.Add(Unescape(current.ToString()));
                current.Clear();
            }
            else
            {
                current.Append(value[i]);
            }
        }

        parts.Add(Unescape(current.ToString()));
        return parts;
    }

    private static string Unescape(string value) => value.Replace("\\n", "\n", StringComparison.OrdinalIgnoreCase).Replace("\\,", ",", StringComparison.Ordinal)
        .Replace("\\;", ";", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal).Trim();

    private static string DecodeQuotedPrintable(string value)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '=' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
