using Crm.Platform.Access;
using Crm.Platform.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Crm.Modules.Counterparties.Fields;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record AddressInput(string? Kind, string? Street, string? PostalCode, string? City, string? Country, DateOnly? ValidFrom, DateOnly? ValidTo);

public sealed record BankAccountInput(string? Iban, string? Bank);

public sealed record BlockInput(string? Kind, string? Reason, DateOnly? From, DateOnly? To);

public sealed record CreateCounterpartyRequest(
    string? Kind, string? Name, string? ShortName, string? Nip, string? Regon, string? VatEu, string? Industry, string? Priority, string? Source,
    IReadOnlyList<string>? Categories, string? Region, string? Owner, int? PaymentDays, decimal? CreditLimit, string? Currency,
    IReadOnlyList<AddressInput>? Addresses, IReadOnlyList<BankAccountInput>? BankAccounts, IReadOnlyList<BlockInput>? Blocks, bool AllowDuplicate = false,
    string? Classification = null, IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

public sealed record AddressView(Guid Id, string Kind, string Street, string PostalCode, string City, string Country, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record BlockView(string Kind, string Reason, DateOnly From, DateOnly? To, bool ActiveToday)
{
    public Guid Id { get; init; }
    public string? SetBy { get; init; }
    public string? LiftedBy { get; init; }
    public string? LiftReason { get; init; }
}

public sealed record CounterpartyView(
    Guid Id, string Kind, string Name, string? ShortName, string? Nip, string? Regon, string? VatEu, bool Archived, string? Industry, string? Priority, string? Source,
    IReadOnlyList<string> Categories, string? Region, string? Owner, int? PaymentDays, decimal? CreditLimit, string? Currency, bool SensitiveHidden,
    IReadOnlyList<AddressView> Addresses, IReadOnlyList<string> BankAccounts, IReadOnlyList<BlockView> Blocks, IReadOnlyList<string> PreviousNames,
    int OpenCases, int? DaysSinceLastContact)
{
    public string? Classification { get; init; }
    public decimal Turnover { get; init; }
    public int Revision { get; init; }
    /// <summary>Custom field values by key (sensitive ones only for those allowed).</summary>
    public IReadOnlyDictionary<string, object?> CustomFields { get; init; } = new Dictionary<string, object?>();
}

/// <summary>Changes to a counterparty's data and trade terms; null leaves a field as it is. <c>Revision</c> guards against overwriting someone else's change.</summary>
public sealed record UpdateCounterpartyRequest(
    int Revision, string? ShortName = null, string? Nip = null, string? Regon = null, string? VatEu = null, string? Industry = null, string? Priority = null,
    string? Classification = null, string? Source = null, IReadOnlyList<string>? Categories = null, string? Region = null, string? Owner = null,
    int? PaymentDays = null, decimal? CreditLimit = null, string? Currency = null, IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

/// <summary>
/// Filters on any field (<c>field:op:value</c>), the columns wanted in the rows' <c>Values</c>, and the sort (a field key;
/// none = by name, the only order that also allows keyset paging).
/// </summary>
/// <summary>How a list is cut; <see cref="Archived"/> lists the archived counterparties instead of the current ones.</summary>
public sealed record CounterpartyListOptions(IReadOnlyList<FieldFilter>? Filters = null, IReadOnlyList<string>? Columns = null, string? Sort = null, bool Descending = false, bool Archived = false);

public sealed record CounterpartyListItem(Guid Id, string Name, string? Nip, string? City, string? Categories, string? Owner, bool Blocked)
{
    /// <summary>The chosen columns' values (when columns were asked for).</summary>
    public IReadOnlyDictionary<string, object?>? Values { get; init; }
}

/// <summary>
/// A likely duplicate. One the caller may not see is described without its data (no id, name or NIP): only
/// who to ask (its owner and region), so a duplicate check cannot be used to look into other regions.
/// </summary>
public sealed record DuplicateCandidate(Guid? Id, string? Name, string? Nip, string Reason, string? Ask = null)
{
    public string Describe() => Name is not null ? $"'{Name}' ({Reason})" : $"a counterparty you cannot see ({Reason}; ask {Ask})";
}

/// <summary>The register of companies and natural persons: validation with checksums, duplicates, record- and field-level access.</summary>
public sealed partial class CounterpartyService(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock, CustomFieldService customFields)
{
    /// <summary>Custom field definitions and dictionaries of counterparties: load once, validate many (imports).</summary>
    public Task<FieldContext> FieldContextAsync(CancellationToken cancellationToken) => customFields.ContextAsync("counterparty", cancellationToken);

    /// <summary>Every field error of a request (empty when it may be created), without touching the database.</summary>
    public Dictionary<string, string[]> Validate(CreateCounterpartyRequest request, FieldContext context, CurrentUser user) => Build(request, user, context).Errors;

    public static string? NormalizeNip(string? nip) => string.IsNullOrWhiteSpace(nip) ? null : TaxIdentifiers.Normalize(nip).Replace("PL", "", StringComparison.Ordinal);

    private (Dictionary<string, string[]> Errors, Counterparty Entity, List<CustomFieldValue> Values) Build(CreateCounterpartyRequest request, CurrentUser user, FieldContext context)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string? message)
        {
            if (message is not null)
            {
                errors[field] = [message];
            }
        }

        var kind = ParseEnum<CounterpartyKind>(request.Kind, CounterpartyKind.Company, "kind", Error);
        var name = request.Name?.Trim();
        Error("name", string.IsNullOrEmpty(name) || name.Length > 300 ? "Give the name (at most 300 characters)." : null);
        Error("nip", string.IsNullOrWhiteSpace(request.Nip) ? null : TaxIdentifiers.CheckNip(request.Nip));
        Error("regon", string.IsNullOrWhiteSpace(request.Regon) ? null : TaxIdentifiers.CheckRegon(request.Regon));
        Error("vatEu", string.IsNullOrWhiteSpace(request.VatEu) ? null : TaxIdentifiers.CheckVatEu(request.VatEu));
        Error("creditLimit", request.CreditLimit is < 0 ? "The credit limit cannot be negative." : null);
        Error("paymentDays", request.PaymentDays is < 0 or > 365 ? "Payment days are 0 to 365." : null);
        var addresses = new List<CounterpartyAddress>();
        foreach (var (a, i) in (request.Addresses ?? []).Select((a, i) => (a, i)))
        {
            var addressKind = ParseEnum<AddressKind>(a.Kind, AddressKind.Registered, $"addresses[{i}].kind", Error);
            Error($"addresses[{i}].street", string.IsNullOrWhiteSpace(a.Street) ? "Give the street." : null);
            Error($"addresses[{i}].city", string.IsNullOrWhiteSpace(a.City) ? "Give the city." : null);
            Error($"addresses[{i}].postalCode", (a.Country ?? "PL") == "PL" && !System.Text.RegularExpressions.Regex.IsMatch(a.PostalCode ?? "", "^\\d{2}-\\d{3}$") ? "A Polish postal code looks like 00-950." : null);
            Error($"addresses[{i}].validTo", a.ValidTo < a.ValidFrom ? "The address cannot end before it starts." : null);
            addresses.Add(new CounterpartyAddress
            {
                Kind = addressKind, Street = a.Street?.Trim() ?? "", PostalCode = a.PostalCode?.Trim() ?? "", City = a.City?.Trim() ?? "",
                Country = (a.Country ?? "PL").Trim().ToUpperInvariant(), ValidFrom = a.ValidFrom ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ValidTo = a.ValidTo,
            });
        }

        var accounts = new List<BankAccount>();
        foreach (var (b, i) in (request.BankAccounts ?? []).Select((b, i) => (b, i)))
        {
            Error($"bankAccounts[{i}].iban", TaxIdentifiers.CheckIban(b.Iban));
            var iban = TaxIdentifiers.Normalize(b.Iban);
            accounts.Add(new BankAccount { Iban = iban.Length == 26 && iban.All(char.IsAsciiDigit) ? "PL" + iban : iban, Bank = b.Bank });
        }

        var blocks = new List<CounterpartyBlock>();
        foreach (var (b, i) in (request.Blocks ?? []).Select((b, i) => (b, i)))
        {
            var blockKind = ParseEnum<BlockKind>(b.Kind, BlockKind.Sales, $"blocks[{i}].kind", Error);
            Error($"blocks[{i}].reason", string.IsNullOrWhiteSpace(b.Reason) ? "Say why the counterparty is blocked." : null);
            blocks.Add(new CounterpartyBlock { Kind = blockKind, Reason = b.Reason?.Trim() ?? "", From = b.From ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), To = b.To });
        }


        var nip = NormalizeNip(request.Nip);
        CheckDictionaries(context, request.Industry, request.Priority, request.Classification, request.Source, request.Categories, Error);
        var gate = recordAccess.Fields(user);
        static bool Given(string? value) => !string.IsNullOrWhiteSpace(value);
        CounterpartyFieldRights.RefuseUnwritable(gate,
        [
            ("shortName", Given(request.ShortName)), ("nip", Given(request.Nip)), ("regon", Given(request.Regon)), ("vatEu", Given(request.VatEu)),
            ("industry", Given(request.Industry)), ("priority", Given(request.Priority)), ("classification", Given(request.Classification)),
            ("source", Given(request.Source)), ("categories", request.Categories is { Count: > 0 }), ("region", Given(request.Region)),
            ("owner", Given(request.Owner) && Clean(request.Owner) != user.UserName), ("currency", Given(request.Currency)),
            ("paymentDays", request.PaymentDays is not null), ("creditLimit", request.CreditLimit is not null),
            (CounterpartyFieldRights.BankAccounts, request.BankAccounts is { Count: > 0 }),
        ], Error);
        var values = CustomFieldService.Validate(context, request.CustomFields, gate, Error);

        var counterparty = new Counterparty
        {
            Kind = kind, Name = name ?? "", ShortName = Clean(request.ShortName), SearchName = Fold(name ?? ""), Nip = nip,
            Regon = string.IsNullOrWhiteSpace(request.Regon) ? null : TaxIdentifiers.Normalize(request.Regon),
            VatEu = string.IsNullOrWhiteSpace(request.VatEu) ? null : TaxIdentifiers.Normalize(request.VatEu),
            Industry = Clean(request.Industry), Priority = Clean(request.Priority), Source = Clean(request.Source), Classification = Clean(request.Classification),
            Categories = request.Categories is { Count: > 0 } c ? string.Join(',', c.Select(x => x.Trim().ToLowerInvariant())) : null,
            Region = Clean(request.Region), Owner = Clean(request.Owner) ?? user.UserName, PaymentDays = request.PaymentDays,
            CreditLimit = request.CreditLimit, Currency = Clean(request.Currency)?.ToUpperInvariant(),
            CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(), Addresses = addresses, BankAccounts = accounts, Blocks = blocks,
        };
        return (errors, counterparty, values);
    }

    /// <summary>Segmentation values must come from their dictionary once an admin has filled it.</summary>
    private static void CheckDictionaries(FieldContext context, string? industry, string? priority, string? classification, string? source,
        IReadOnlyList<string>? categories, Action<string, string?> error)
    {
        void Check(string field, string dictionary, string? value)
        {
            var entries = context.Entries(dictionary);
            if (!string.IsNullOrWhiteSpace(value) && entries.Count > 0 && !entries.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                error(field, $"'{value.Trim()}' is not in the {dictionary} dictionary: {string.Join(", ", entries)}.");
            }
        }

        Check("industry", DictionaryService.Industry, industry);
        Check("priority", DictionaryService.Priority, priority);
        Check("classification", DictionaryService.Classification, classification);
        Check("source", DictionaryService.Source, source);
        foreach (var category in categories ?? [])
        {
            Check("categories", DictionaryService.Category, category);
        }
    }

    public async Task<Guid> CreateAsync(CreateCounterpartyRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Create);
        var context = await FieldContextAsync(cancellationToken);
        var (errors, counterparty, values) = Build(request, user, context);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (!request.AllowDuplicate && await DuplicatesAsync(counterparty.Name, counterparty.Nip, counterparty.Addresses.FirstOrDefault()?.City, user, cancellationToken) is { Count: > 0 } duplicates)
        {
            throw new ConflictException($"Possible duplicate of {string.Join(", ", duplicates.Select(d => d.Describe()))}; set allowDuplicate to create it anyway.");
        }

        db.Counterparties.Add(counterparty);
        await customFields.StoreAsync(counterparty.Id, [.. context.Fields.Select(f => f.Id)], values, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return counterparty.Id;
    }

    /// <summary>Same NIP, or a similar name in the same city.</summary>
    public async Task<List<DuplicateCandidate>> DuplicatesAsync(string name, string? nip, string? city, CurrentUser user, CancellationToken cancellationToken)
    {
        var found = await DuplicatesOfAnyoneAsync(name, nip, city, cancellationToken);
        if (found.Count == 0)
        {
            return found;
        }

        var ids = found.Select(f => f.Id!.Value).ToList();
        var visible = await recordAccess.Visible(db.Counterparties, user).Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        var hidden = ids.Except(visible).ToList();
        var whom = await db.Counterparties.AsNoTracking().Where(c => hidden.Contains(c.Id)).Select(c => new { c.Id, c.Owner, c.Region }).ToDictionaryAsync(c => c.Id, cancellationToken);
        var seesNip = recordAccess.Fields(user).CanRead("nip");
        return [.. found.Select(f => visible.Contains(f.Id!.Value) ? f with { Nip = seesNip ? f.Nip : null }
            : new DuplicateCandidate(null, null, null, f.Reason, string.Join(", ", new[] { whom[f.Id!.Value].Owner, whom[f.Id!.Value].Region is { } r ? $"region {r}" : null }.OfType<string>()) is { Length: > 0 } ask ? ask : "an administrator"))];
    }

    private async Task<List<DuplicateCandidate>> DuplicatesOfAnyoneAsync(string name, string? nip, string? city, CancellationToken cancellationToken)
    {
        var found = new List<DuplicateCandidate>();
        if (nip is not null)
        {
            found.AddRange(await db.Counterparties.AsNoTracking().Where(c => c.Nip == nip)
                .Select(c => new DuplicateCandidate(c.Id, c.Name, c.Nip, "same NIP")).ToListAsync(cancellationToken));
        }

        var core = CoreName(name);
        if (city is not null && core.Length >= 3)
        {
            var folded = Fold(city);
            var candidates = await db.Counterparties.AsNoTracking().Where(c => c.SearchName.Contains(core))
                .Select(c => new { c.Id, c.Name, c.Nip, Cities = c.Addresses.Select(a => a.City).ToList() }).Take(50).ToListAsync(cancellationToken);
            found.AddRange(candidates.Where(c => c.Cities.Any(x => Fold(x) == folded) && found.All(f => f.Id != c.Id)).Take(5)
                .Select(c => new DuplicateCandidate(c.Id, c.Name, c.Nip, "similar name in the same city")));
        }

        return found;
    }

    public async Task<CounterpartyView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await recordAccess.Visible(db.Counterparties, user).AsNoTracking()
            .Include(x => x.Addresses).Include(x => x.BankAccounts).Include(x => x.Blocks).Include(x => x.PreviousNames)
            .AsSplitQuery().SingleOrDefaultAsync(x => x.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Counterparty {id} does not exist.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var openCases = await db.Cases.CountAsync(x => x.CounterpartyId == id && x.Outcome == CaseOutcome.Open, cancellationToken);
        var lastContact = await db.Activities.Where(a => a.CounterpartyId == id && a.Status == ActivityStatus.Done).MaxAsync(a => (DateTimeOffset?)a.At, cancellationToken);
        var gate = recordAccess.Fields(user);
        var context = await FieldContextAsync(cancellationToken);
        var custom = await customFields.ValuesAsync(context, [id], gate, cancellationToken);
        var won = await db.Cases.Where(x => x.CounterpartyId == id && x.Outcome == CaseOutcome.Won).Select(x => x.Value).ToListAsync(cancellationToken);
        return new CounterpartyView(c.Id, c.Kind.ToString(), c.Name, gate.Shown("shortName", c.ShortName), gate.Shown("nip", c.Nip), gate.Shown("regon", c.Regon),
            gate.Shown("vatEu", c.VatEu), c.Archived, gate.Shown("industry", c.Industry), gate.Shown("priority", c.Priority), gate.Shown("source", c.Source),
            gate.CanRead("categories") ? (c.Categories ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries) : [], gate.Shown("region", c.Region),
            gate.Shown("owner", c.Owner), gate.Shown("paymentDays", c.PaymentDays), gate.Shown("creditLimit", c.CreditLimit),
            gate.Shown("currency", c.Currency), !gate.CanRead("creditLimit"),
            [.. c.Addresses.OrderBy(a => a.Kind).ThenByDescending(a => a.ValidFrom).Select(View)],
            [.. c.BankAccounts.Where(b => b.RetiredOn == null && gate.CanRead(CounterpartyFieldRights.BankAccounts)).Select(b => b.Iban)],   // the accounts in use; retired ones are listed on /bank-accounts
            [.. c.Blocks.OrderByDescending(b => b.From).Select(b => new BlockView(b.Kind.ToString(), b.Reason, b.From, b.To, b.LiftedBy is null && b.From <= today && (b.To is null || b.To >= today))
                { Id = b.Id, SetBy = b.SetBy, LiftedBy = b.LiftedBy, LiftReason = b.LiftReason })],
            [.. c.PreviousNames.OrderByDescending(p => p.ValidUntil).Select(p => p.Name)],
            openCases, lastContact is { } last ? (int)(clock.GetUtcNow() - last).TotalDays : null)
        {
            Classification = gate.Shown("classification", c.Classification), Turnover = won.Sum(), Revision = c.Revision, CustomFields = custom[id],
        };
    }

    /// <summary>The addresses valid on a day (one per kind and start; delivery addresses may be several).</summary>
    public async Task<List<AddressView>> AddressesOnAsync(Guid id, DateOnly on, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {id} does not exist.");
        }

        var rows = await db.Set<CounterpartyAddress>().AsNoTracking()
            .Where(a => a.CounterpartyId == id && a.ValidFrom <= on && (a.ValidTo == null || a.ValidTo >= on)).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(a => a.Kind).Select(View)];
    }

    /// <summary>A new name from a day on; the old one is kept in the history.</summary>
    public async Task RenameAsync(Guid id, string newName, DateOnly from, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await recordAccess.Visible(db.Counterparties, user).SingleOrDefaultAsync(x => x.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Counterparty {id} does not exist.");
        if (string.IsNullOrWhiteSpace(newName))
        {
            throw ValidationFailedException.For("name", "Give the new name.");
        }

        db.Add(new PreviousName { CounterpartyId = id, Name = c.Name, ValidUntil = from.AddDays(-1) });
        c.Name = newName.Trim();
        c.SearchName = Fold(c.Name);
        c.Revision++;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Lower case, Polish (and other) diacritics folded: "Łódź" → "lodz".</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Replace('ł', 'l').Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed.Where(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark))
        {
            folded.Append(ch);
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The distinctive part of a company name: without legal forms (sp. z o.o., S.A. ...).</summary>
    private static string CoreName(string name)
    {
        var folded = Fold(name);
        foreach (var form in new[] { "sp. z o.o.", "sp. z o. o.", "spolka z ograniczona odpowiedzialnoscia", "s.a.", "sp.k.", "sp. j.", "spolka jawna", "sp. k." })
        {
            folded = folded.Replace(form, "", StringComparison.Ordinal);
        }

        return folded.Trim(' ', ',', '.', '-');
    }

    private static AddressView View(CounterpartyAddress a) => new(a.Id, a.Kind.ToString(), a.Street, a.PostalCode, a.City, a.Country, a.ValidFrom, a.ValidTo);

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static T ParseEnum<T>(string? value, T fallback, string field, Action<string, string?> error)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }

        error(field, $"Use one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        return fallback;
    }
}

