using Crm.Platform.Common;
using Crm.Platform.Persistence;

namespace Crm.Modules.Counterparties;

/// <summary>
/// A person's marketing-e-mail consent ticked or cleared on the person card: the marketing module's consent ledger
/// records it in the same unit of work (the card keeps the current flag; the ledger keeps the history with evidence).
/// </summary>
[ModuleContract]
public interface IPersonConsentChanges
{
    void Changed(CrmDbContext db, ContactPerson person, bool given, string? source, string by, DateTimeOffset at);
}

/// <summary>Sets the card's flag when the ledger records a marketing-e-mail consent given or withdrawn elsewhere (an unsubscribe link).</summary>
[ModuleContract]
public static class PersonConsentFlag
{
    public static void Set(ContactPerson person, bool given, string? source, DateTimeOffset at)
    {
        if (person.MarketingConsent == given)
        {
            return;
        }

        person.MarketingConsent = given;
        person.ConsentSource = given ? source : null;
        person.ConsentAt = given ? at : null;
        person.Revision++;   // a person page opened before this change must reload rather than tick the old consent back
    }
}
