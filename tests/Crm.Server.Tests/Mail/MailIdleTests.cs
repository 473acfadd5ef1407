using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Mail;

/// <summary>IMAP IDLE against the real Dovecot: with the poll ten minutes away, new mail is filed within seconds.</summary>
public sealed class MailIdleTests() : ServerTestBase(DatabaseProvider.Sqlite, new Dictionary<string, string?>
{
    ["Crm:Mail:PollInterval"] = "00:10:00", ["Crm:Mail:IdleRefresh"] = "00:00:01",
})
{
    [Fact]
    public async Task NewMail_IsImportedAsSoonAsTheServerSaysItArrived()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        using var kasia = await App.CreateClientAsAsync("kasia");
        var mailbox = $"idle-{suffix}@test.local";
        await MailTestKit.CreateAccountAsync(kasia, $"Idle {suffix}", mailbox, "office");
        await Task.Delay(TimeSpan.FromSeconds(4));   // the listener connects and waits (the poll's first pass has run already)

        await MailTestKit.DeliverAsync(MailTestKit.Mail($"ktos-{suffix}@example.org", mailbox, $"Pilne {suffix}", "Prosimy o kontakt."));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var waiting = (await kasia.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=unassigned")).EnumerateArray();
            if (waiting.Any(m => m.GetProperty("subject").GetString() == $"Pilne {suffix}"))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The mail was not imported within 30 s of its arrival.");
            await Task.Delay(250);
        }
    }
}
