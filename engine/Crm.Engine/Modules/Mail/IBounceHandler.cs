using Crm.Platform.Common;
using MimeKit;

namespace Crm.Modules.Mail;

/// <summary>
/// Another module's look at each new incoming mail before it waits in the unassigned inbox: a delivery report about a
/// message that module sent (a mailing's bounce) is handled there, in the same commit as the filed mail.
/// </summary>
[ModuleContract]
public interface IBounceHandler
{
    /// <summary>True when the mail was a report this handler understood and recorded.</summary>
    Task<bool> HandleAsync(MimeMessage message, Guid accountId, CancellationToken cancellationToken);
}
