using Crm.Platform.Access;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Fields;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>Changing a counterparty: its data, segmentation, trade terms and custom fields, guarded by its revision.</summary>
public sealed partial class CounterpartyService
{
    public async Task UpdateAsync(Guid id, UpdateCounterpartyRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await recordAccess.Visible(db.Counterparties, user).SingleOrDefaultAsync(x => x.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Counterparty {id} does not exist.");
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Edit);
        if (c.Revision != request.Revision)
        {
            throw new ConflictException($"'{c.Name}' was changed by someone else since you opened it; reload and make your change again.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string? message)
        {
            if (message is not null)
            {
                errors[field] = [message];
            }
        }

        // An empty string clears an identifier; null leaves it.
        Error("nip", string.IsNullOrWhiteSpace(request.Nip) ? null : TaxIdentifiers.CheckNip(request.Nip));
        Error("regon", string.IsNullOrWhiteSpace(request.Regon) ? null : TaxIdentifiers.CheckRegon(request.Regon));
        Error("vatEu", string.IsNullOrWhiteSpace(request.VatEu) ? null : TaxIdentifiers.CheckVatEu(request.VatEu));
        Error("creditLimit", request.CreditLimit is < 0 ? "The credit limit cannot be negative." : null);
        Error("paymentDays", request.PaymentDays is < 0 or > 365 ? "Payment days are 0 to 365." : null);
        var gate = recordAccess.Fields(user);
        // The form sends every field back: only a field given another value than it has is a change.
        bool Changed(string? given, string? current) => given is not null && Clean(given) != current;
        CounterpartyFieldRights.RefuseUnwritable(gate,
        [
            ("shortName", Changed(request.ShortName, c.ShortName)), ("nip", request.Nip is not null && NormalizeNip(request.Nip) != c.Nip),
            ("regon", request.Regon is not null && (string.IsNullOrWhiteSpace(request.Regon) ? null : TaxIdentifiers.Normalize(request.Regon)) != c.Regon),
            ("vatEu", request.VatEu is not null && (string.IsNullOrWhiteSpace(request.VatEu) ? null : TaxIdentifiers.Normalize(request.VatEu)) != c.VatEu),
            ("industry", Changed(request.Industry, c.Industry)), ("priority", Changed(request.Priority, c.Priority)),
            ("classification", Changed(request.Classification, c.Classification)), ("source", Changed(request.Source, c.Source)),
            ("categories", request.Categories is not null && string.Join(',', request.Categories.Select(x => x.Trim().ToLowerInvariant())) != (c.Categories ?? "")),
            ("region", Changed(request.Region, c.Region)), ("owner", Changed(request.Owner, c.Owner)),
            ("currency", request.Currency is not null && Clean(request.Currency)?.ToUpperInvariant() != c.Currency),
            ("paymentDays", request.PaymentDays is not null && request.PaymentDays != c.PaymentDays),
            ("creditLimit", request.CreditLimit is not null && request.CreditLimit != c.CreditLimit),
        ], Error);
        // The region decides who sees the record, the owner who answers for it: managers move them; an owner may hand over.
        Error("region", request.Region is not null && Clean(request.Region) != c.Region && !user.IsProcessOwner ? "Only managers move a counterparty to another region." : null);
        Error("owner", request.Owner is not null && Clean(request.Owner) != c.Owner && !user.IsProcessOwner && c.Owner != user.UserName
            ? "Only managers and the current owner change the owner." : null);
        if (request.Owner is { } newOwner && Clean(newOwner) is { } ownerName && ownerName != c.Owner
            && !await db.Users.AnyAsync(u => u.UserName == ownerName && u.IsActive, cancellationToken))
        {
            Error("owner", $"There is no active user '{ownerName}'.");
        }
        var context = await FieldContextAsync(cancellationToken);
        CheckDictionaries(context, request.Industry, request.Priority, request.Classification, request.Source, request.Categories, Error);
        var values = CustomFieldService.Validate(context, request.CustomFields, gate, Error, partial: true);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (request.Nip is not null)
        {
            var nip = NormalizeNip(request.Nip);
            if (nip is not null && nip != c.Nip && await db.Counterparties.AnyAsync(x => x.Nip == nip && x.Id != id, cancellationToken))
            {
                throw new ConflictException($"Another counterparty already has NIP {nip}.");
            }

            c.Nip = nip;
        }

        if (request.Regon is not null)
        {
            c.Regon = string.IsNullOrWhiteSpace(request.Regon) ? null : TaxIdentifiers.Normalize(request.Regon);
        }

        if (request.VatEu is not null)
        {
            c.VatEu = string.IsNullOrWhiteSpace(request.VatEu) ? null : TaxIdentifiers.Normalize(request.VatEu);
        }

        c.ShortName = request.ShortName is null ? c.ShortName : Clean(request.ShortName);
        c.Industry = request.Industry is null ? c.Industry : Clean(request.Industry);
        c.Priority = request.Priority is null ? c.Priority : Clean(request.Priority);
        c.Classification = request.Classification is null ? c.Classification : Clean(request.Classification);
        c.Source = request.Source is null ? c.Source : Clean(request.Source);
        c.Region = request.Region is null ? c.Region : Clean(request.Region);
        c.Owner = request.Owner is null ? c.Owner : Clean(request.Owner);
        c.Currency = request.Currency is null ? c.Currency : Clean(request.Currency)?.ToUpperInvariant();
        if (request.Categories is not null)
        {
            c.Categories = request.Categories.Count > 0 ? string.Join(',', request.Categories.Select(x => x.Trim().ToLowerInvariant())) : null;
        }

        if (gate.CanWrite("paymentDays"))
        {
            c.PaymentDays = request.PaymentDays ?? c.PaymentDays;
        }

        if (gate.CanWrite("creditLimit"))
        {
            c.CreditLimit = request.CreditLimit ?? c.CreditLimit;
        }

        if (request.CustomFields is { Count: > 0 } given)
        {
            var touched = context.Fields.Where(f => given.ContainsKey(f.Key)).Select(f => f.Id).ToList();
            await customFields.StoreAsync(id, touched, values, cancellationToken);
        }

        c.Revision++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException($"'{c.Name}' was changed by someone else at the same moment; reload and make your change again.");
        }
    }
}
