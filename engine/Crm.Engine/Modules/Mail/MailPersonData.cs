using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Mail;

/// <summary>The mail filed on a person, for their GDPR export (art. 15): who wrote to whom, when, about what.</summary>
internal sealed class MailPersonData(CrmDbContext db) : IPersonDataSource
{
    public string Name => "mail";

    public async Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken) =>
        [.. (await db.MailMessages.AsNoTracking().Where(m => m.PersonId == personId).OrderBy(m => m.Date).ToListAsync(cancellationToken))
            .Select(m => new Dictionary<string, object?>
            {
                ["direction"] = m.Direction, ["date"] = m.Date, ["from"] = m.From, ["to"] = m.To, ["cc"] = m.Cc, ["subject"] = m.Subject, ["text"] = m.Preview, ["state"] = m.State.ToString(),
            })];
}
