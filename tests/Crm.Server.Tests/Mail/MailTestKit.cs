using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Crm.Server.Tests.Mail;

/// <summary>Talks to the real mail stack test.sh starts (SMTP relay into Dovecot): delivers test mail and reads mailboxes.</summary>
internal static class MailTestKit
{
    public static string Host => Crm.Tests.TestEnvironment.RequireMail();

    public static async Task DeliverAsync(MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(Host, Crm.Tests.TestEnvironment.SmtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    /// <summary>Every message in a mailbox's folder (INBOX by default), oldest first.</summary>
    public static async Task<List<MimeMessage>> ReadAsync(string mailbox, string folder = "INBOX")
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync(Host, Crm.Tests.TestEnvironment.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(mailbox, Crm.Tests.TestEnvironment.MailPassword);
        var box = await imap.GetFolderAsync(folder);
        await box.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeMessage>();
        for (var i = 0; i < box.Count; i++)
        {
            messages.Add(await box.GetMessageAsync(i));
        }

        await imap.DisconnectAsync(true);
        return messages;
    }

    /// <summary>Waits until the relay has put <paramref name="count"/> messages in the mailbox (delivery is asynchronous).</summary>
    public static async Task<List<MimeMessage>> WaitForAsync(string mailbox, int count, string folder = "INBOX")
    {
        for (var i = 0; ; i++)
        {
            var messages = await ReadAsync(mailbox, folder);
            if (messages.Count >= count || i == 150)   // 30 s and more: relays lag under a full run on two cores
            {
                return messages;
            }

            await Task.Delay(200);
        }
    }

    public static async Task<Guid> CreateAccountAsync(HttpClient admin, string name, string address, string? group, string? owner = null, string? moveTo = null)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/mail-accounts", new
        {
            name, address, displayName = name, group, owner, imapHost = Host, imapPort = Crm.Tests.TestEnvironment.ImapPort, imapSecurity = "None",
            smtpHost = Host, smtpPort = Crm.Tests.TestEnvironment.SmtpPort, smtpSecurity = "None", userName = address, password = Crm.Tests.TestEnvironment.MailPassword,
            importFolder = "INBOX", moveToFolder = moveTo, importEnabled = true,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static MimeMessage Mail(string from, string to, string subject, string text, string? messageId = null, string? inReplyTo = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = messageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId("sender.test");
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }

        message.Body = new TextPart("plain") { Text = text };
        return message;
    }
}
