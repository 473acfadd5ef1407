using Crm.Modules.Mail;
using Crm.Modules.Mail.Register;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The mail module's tables in the product's one context (a mail, its documents and its activity commit together).</summary>
public sealed partial class CrmDbContext
{
    public DbSet<MailAccount> MailAccounts => Set<MailAccount>();
    public DbSet<MailMessage> MailMessages => Set<MailMessage>();
    public DbSet<MailAttachment> MailAttachments => Set<MailAttachment>();
    public DbSet<CorrespondenceEntry> Correspondence => Set<CorrespondenceEntry>();
    public DbSet<CorrespondenceDocument> CorrespondenceDocuments => Set<CorrespondenceDocument>();
    public DbSet<CorrespondenceCounter> CorrespondenceCounters => Set<CorrespondenceCounter>();
}
