using Crm.Modules.Marketing.Mailings;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The mailings' tables.</summary>
public sealed partial class CrmDbContext
{
    public DbSet<Mailing> Mailings => Set<Mailing>();
    public DbSet<MailingRecipient> MailingRecipients => Set<MailingRecipient>();
}
