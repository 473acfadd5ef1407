using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Search;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Counterparties.Search;

/// <summary>Which saved CRM changes re-index what: a company (and its addresses and former names), a person, a case.</summary>
internal sealed class CrmSearchFeed : ISearchFeed
{
    public IEnumerable<(string Topic, Guid Id)> Stale(EntityEntry entry) => entry.Entity switch
    {
        Counterparty c => [(CounterpartySearch.IndexTopic, c.Id)],
        CounterpartyAddress a => [(CounterpartySearch.IndexTopic, a.CounterpartyId)],
        PreviousName p => [(CounterpartySearch.IndexTopic, p.CounterpartyId)],
        ContactPerson p => [(PersonSearch.IndexTopic, p.Id)],
        CrmCase c => [(CaseSearch.IndexTopic, c.Id)],
        _ => [],
    };
}
