using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record ArchiveRequest(bool Archived, Guid? SuccessorId, int Revision);

public sealed record RenameRequest(string? Name, DateOnly? From, int Revision);

public sealed record NewAddressRequest(string? Kind, string? Street, string? PostalCode, string? City, string? Country, DateOnly? ValidFrom, int Revision);

public sealed record EndAddressRequest(DateOnly? ValidTo, int Revision);

public sealed record NewBankAccountRequest(string? Iban, string? Bank, int Revision);

public sealed record NewBlockRequest(string? Kind, string? Reason, DateOnly? From, DateOnly? To, int Revision);

public sealed record LiftBlockRequest(string? Reason, int Revision);

/// <summary>One change of a company's master data, from the audit trail.</summary>
public sealed record MasterDataChange(DateTimeOffset At, string Actor, string Action, string? Data);

/// <summary>A bank account as the company page lists it; a retired one stays, marked.</summary>
public sealed record BankAccountView(Guid Id, string Iban, string? Bank, DateOnly? RetiredOn, string? RetiredBy);

/// <summary>
/// A company's master data after creation: name (with its history), archive and successor, addresses with validity,
/// bank accounts, blocks. Every change is revision-checked (two people editing at once: the second is told to reload)
/// and audited with who, when, before and after (<see cref="CrmAuditRule"/>), which the company's history shows.
/// </summary>
public sealed class CounterpartyMasterData(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock)
{
    public async Task RenameAsync(Guid id, RenameRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await LoadAsync(id, request.Revision, user, cancellationToken);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 300)
        {
            throw ValidationFailedException.For("name", "Give the new name (at most 300 characters).");
        }

        if (name == c.Name)
        {
            throw ValidationFailedException.For("name", "That is already its name.");
        }

        var from = request.From ?? Today;
        db.Add(new PreviousName { CounterpartyId = id, Name = c.Name, ValidUntil = from.AddDays(-1) });
        c.Name = name;
        c.SearchName = CounterpartyService.Fold(name);
        await SaveAsync(c, cancellationToken);
    }

    /// <summary>Archived: out of the default lists (a filter shows them), still found by search; a successor may be named.</summary>
    public async Task ArchiveAsync(Guid id, ArchiveRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Delete);

        var c = await LoadAsync(id, request.Revision, user, cancellationToken);
        if (request.SuccessorId is { } successor)
        {
            if (successor == id)
            {
                throw ValidationFailedException.For("successorId", "A counterparty cannot be its own successor.");
            }

            if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(x => x.Id == successor && !x.Archived, cancellationToken))
            {
                throw ValidationFailedException.For("successorId", "The successor does not exist or is archived itself.");
            }
        }

        c.Archived = request.Archived;
        c.SuccessorId = request.Archived ? request.SuccessorId ?? c.SuccessorId : request.SuccessorId;
        await SaveAsync(c, cancellationToken);
    }

    /// <summary>A new address from a day on; the open address of the same kind (not delivery: there may be several) ends the day before.</summary>
    public async Task<AddressView> AddAddressAsync(Guid id, NewAddressRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await LoadAsync(id, request.Revision, user, cancellationToken);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.TryParse<AddressKind>(request.Kind ?? "registered", ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            errors["kind"] = [$"Use one of: {string.Join(", ", Enum.GetNames<AddressKind>().Select(n => n.ToLowerInvariant()))}."];
        }

        Require(errors, "street", request.Street, 200);
        Require(errors, "postalCode", request.PostalCode, 20);
        Require(errors, "city", request.City, 100);
        var country = string.IsNullOrWhiteSpace(request.Country) ? "PL" : request.Country.Trim().ToUpperInvariant();
        if (country.Length != 2 || !country.All(char.IsAsciiLetter))
        {
            errors["country"] = ["Use the two-letter country code (PL, DE ...)."];
        }

        var from = request.ValidFrom ?? Today;
        var replaced = kind == AddressKind.Delivery ? null
            : await db.Set<CounterpartyAddress>().Where(a => a.CounterpartyId == id && a.Kind == kind && a.ValidTo == null).OrderByDescending(a => a.ValidFrom).FirstOrDefaultAsync(cancellationToken);
        if (replaced is not null && replaced.ValidFrom >= from)
        {
            errors["validFrom"] = [$"The current {kind.ToString().ToLowerInvariant()} address is valid from {replaced.ValidFrom:yyyy-MM-dd}; the new one must start later."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (replaced is not null)
        {
            replaced.ValidTo = from.AddDays(-1);
        }

        var address = new CounterpartyAddress
        {
            CounterpartyId = id, Kind = kind, Street = request.Street!.Trim(), PostalCode = request.PostalCode!.Trim(), City = request.City!.Trim(),
            Country = country, ValidFrom = from,
        };
        db.Add(address);
        await SaveAsync(c, cancellationToken);
        return new AddressView(address.Id, address.Kind.ToString(), address.Street, address.PostalCode, address.City, address.Country, address.ValidFrom, address.ValidTo);
    }

    public async Task EndAddressAsync(Guid id, Guid addressId, EndAddressRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await LoadAsync(id, request.Revision, user, cancellationToken);
        var address = await db.Set<CounterpartyAddress>().SingleOrDefaultAsync(a => a.Id == addressId && a.CounterpartyId == id, cancellationToken)
            ?? throw new NotFoundException($"Address {addressId} does not exist.");
        var until = request.ValidTo ?? Today;
        if (until < address.ValidFrom)
        {
            throw ValidationFailedException.For("validTo", $"The address is valid from {address.ValidFrom:yyyy-MM-dd}; it cannot end before.");
        }

        address.ValidTo = until;
        await SaveAsync(c, cancellationToken);
    }

    /// <summary>Bank accounts decide where money goes: only managers and the finance group add or retire them.</summary>
    public async Task<BankAccountView> AddBankAccountAsync(Guid id, NewBankAccountRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireFinance(user, "add bank accounts");
        var c = await LoadAsync(id, request.Revision, user, cancellationToken);
        if (TaxIdentifiers.CheckIban(request.Iban) is { } problem)
        {
            throw ValidationFailedException.For("iban", problem);
        }

        var iban = TaxIdentifiers.Normalize(request.Iban);
        iban = iban.Length == 26 && iban.All(char.IsAsciiDigit) ? "PL" + iban : iban;
        if (await db.Set<BankAccount>().AnyAsync(b => b.CounterpartyId == id && b.Iban == iban && b.RetiredOn == null, cancellationToken))
        {
            throw ValidationFailedException.For("iban", "The counterparty already has this account.");
        }

        var account = new BankAccount { CounterpartyId = id, Iban = iban, Bank = string.IsNullOrWhiteSpace(request.Bank) ? null : request.Bank.Trim() };
        db.Add(account);
        await SaveAsync(c, cancellationToken);
        return new BankAccountView(account.Id, account.Iban, account.Bank, null, null);
    }

    public async Task RetireBankAccountAsync(Guid id, Guid accountId, int revision, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireFinance(user, "retire bank accounts");
        var c = await LoadAsync(id, revision, user, cancellationToken);
        var account = await db.Set<BankAccount>().SingleOrDefaultAsync(b => b.Id == accountId && b.CounterpartyId == id, cancellationToken)
            ?? throw new NotFoundException($"Bank account {accountId} does not exist.");
        if (account.RetiredOn is null)
        {
            account.RetiredOn = Today;
            account.RetiredBy = user.UserName;
            await SaveAsync(c, cancellationToken);
        }
    }

    public async Task SetBlockAsync(Guid id, NewBlockRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await LoadAsync(id, request.Revision, user, cancellationToken);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.TryParse<BlockKind>(request.Kind ?? "", ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            errors["kind"] = [$"Use one of: {string.Join(", ", Enum.GetNames<BlockKind>().Select(n => n.ToLowerInvariant()))}."];
        }

        Require(errors, "reason", request.Reason, 300);
        var from = request.From ?? Today;
        if (request.To is { } to && to < from)
        {
            errors["to"] = ["The block cannot end before it starts."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        db.Add(new CounterpartyBlock { CounterpartyId = id, Kind = kind, Reason = request.Reason!.Trim(), From = from, To = request.To, SetBy = user.UserName });
        await SaveAsync(c, cancellationToken);
    }

    /// <summary>Lifting a block ends it today, with a reason; whoever set it, managers and finance may lift it.</summary>
    public async Task LiftBlockAsync(Guid id, Guid blockId, LiftBlockRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await LoadAsync(id, request.Revision, user, cancellationToken);
        var block = await db.Set<CounterpartyBlock>().SingleOrDefaultAsync(b => b.Id == blockId && b.CounterpartyId == id, cancellationToken)
            ?? throw new NotFoundException($"Block {blockId} does not exist.");
        if (block.SetBy != user.UserName && !recordAccess.SeesTradeTerms(user))
        {
            throw new ForbiddenException("Only whoever set the block, managers and finance lift it.");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw ValidationFailedException.For("reason", "Say why the block is lifted.");
        }

        if (block.LiftedBy is not null || (block.To is { } ended && ended < Today))
        {
            throw new ConflictException("The block has already ended.");
        }

        // Lifted means no longer in force from now on (every "blocked" check honours LiftedBy); it ends on the day it was lifted.
        block.To = block.From > Today ? block.From : Today;
        block.LiftedBy = user.UserName;
        block.LiftReason = request.Reason.Trim();
        await SaveAsync(c, cancellationToken);
    }

    public async Task<List<BankAccountView>> BankAccountsAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {id} does not exist.");
        }

        if (!recordAccess.Fields(user).CanRead(CounterpartyFieldRights.BankAccounts))
        {
            return [];
        }

        var rows = await db.Set<BankAccount>().AsNoTracking().Where(b => b.CounterpartyId == id).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(b => b.RetiredOn is not null).ThenBy(b => b.Iban, StringComparer.Ordinal).Select(b => new BankAccountView(b.Id, b.Iban, b.Bank, b.RetiredOn, b.RetiredBy))];
    }

    /// <summary>The company's history of master-data changes (who, when, before and after), for whoever sees the company.</summary>
    public async Task<List<MasterDataChange>> ChangesAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {id} does not exist.");
        }

        var subject = id.ToString();
        var rows = await db.AuditLog.AsNoTracking()
            .Where(a => a.SubjectType == "counterparty" && a.SubjectId == subject && a.Action.StartsWith("crm.counterparty-"))
            .OrderByDescending(a => a.Sequence).Take(200)
            .Select(a => new MasterDataChange(a.At, a.Actor, a.Action, a.Data)).ToListAsync(cancellationToken);
        // What a field rule hides is hidden in the history too: an entry naming such a field shows who and when, not the values.
        var gate = recordAccess.Fields(user);
        var hidden = CounterpartyFieldRights.BuiltIn.Where(f => !gate.CanRead(f.Key))
            .Select(f => "\"" + char.ToUpperInvariant(f.Key[0]) + f.Key[1..] + "\"").ToList();
        var accountsHidden = !gate.CanRead(CounterpartyFieldRights.BankAccounts);
        return [.. rows.Select(r => r.Data is { } data
            && (hidden.Any(field => data.Contains(field, StringComparison.Ordinal)) || (accountsHidden && r.Action.Contains("bank-account", StringComparison.Ordinal)))
                ? r with { Data = null } : r)];
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<Counterparty> LoadAsync(Guid id, int revision, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await recordAccess.Visible(db.Counterparties, user).SingleOrDefaultAsync(x => x.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Counterparty {id} does not exist.");
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Edit);
        return c.Revision == revision ? c
            : throw new ConflictException($"'{c.Name}' was changed by someone else since you opened it; reload and make your change again.");
    }

    // The revision moves with every change of the company's master data, its rows included, so a stale page is told.
    private async Task SaveAsync(Counterparty c, CancellationToken cancellationToken)
    {
        c.Revision++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictException($"'{c.Name}' was changed by someone else at the same moment; reload and make your change again.");
        }
    }

    private void RequireFinance(CurrentUser user, string what)
    {
        if (!recordAccess.Fields(user).CanWrite(CounterpartyFieldRights.BankAccounts))
        {
            throw new ForbiddenException($"Your rights do not let you {what} (shipped: managers and the finance group).");
        }
    }

    private static void Require(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > max)
        {
            errors[field] = [$"Required, at most {max} characters."];
        }
    }
}
