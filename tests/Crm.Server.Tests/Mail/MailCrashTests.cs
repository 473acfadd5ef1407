using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Server.Tests.Infrastructure;
using Crm.Tests.Server;
using Npgsql;
using Xunit;

namespace Crm.Server.Tests.Mail;

/// <summary>
/// The outbox under a real crash: a server process is killed (SIGKILL) while it is in the middle of handing mails with
/// attachments to the SMTP server; a second server on the same database takes the claims over. Every mail arrives
/// exactly once.
/// </summary>
public sealed class MailCrashTests
{
    [Fact]
    public async Task AServerKilledMidSend_LeavesNothingLostAndNothingTwice()
    {
        var host = Crm.Tests.TestEnvironment.RequireMail();
        await using var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var mailbox = $"nadawca-{suffix}@test.local";
        var customer = $"odbiorca-{suffix}@test.local";
        await using var proxy = SmtpHoldProxy.Start(host, Crm.Tests.TestEnvironment.SmtpPort);
        proxy.Hold = true;   // the first server's transfers stop at DATA: it dies with mails half sent

        var first = await ServerProcess.StartAsync(Settings(database, "node-1"));
        const int count = 6;
        using (var admin = await first.AdminClientAsync())
        {
            var created = await admin.PostAsJsonAsync("/api/admin/mail-accounts", new
            {
                name = "Crash", address = mailbox, owner = "admin", smtpHost = "127.0.0.1", smtpPort = proxy.Port, smtpSecurity = "None", imapHost = host,
                imapPort = Crm.Tests.TestEnvironment.ImapPort, imapSecurity = "None", userName = mailbox, password = Crm.Tests.TestEnvironment.MailPassword, importEnabled = false,
            });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var account = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var folder = (await (await admin.PostAsJsonAsync("/api/folders", new { name = "Oferty" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var attachment = new byte[2 * 1024 * 1024];
            Random.Shared.NextBytes(attachment);
            var upload = await admin.PostAsync("/api/documents", new MultipartFormDataContent { { new StringContent(folder), "folderId" }, { new ByteArrayContent(attachment), "file", "rysunek.bin" } });
            var document = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            for (var i = 0; i < count; i++)
            {
                var queued = await admin.PostAsJsonAsync("/api/mail/send", new { accountId = account, to = customer, subject = $"Oferta {i}", body = "W załączeniu rysunek.", documentIds = new[] { document } });
                Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            }
        }

        // Killed while a transfer is held at DATA: that mail is claimed ("Sending") and was never accepted.
        await WaitUntilAsync(() => proxy.HeldSessions > 0, first);
        Assert.True(await CountAsync(database, """SELECT count(*) FROM mail_messages WHERE "State" = 3""") >= 1);
        await first.KillAsync();
        proxy.Hold = false;

        await using var second = await ServerProcess.StartAsync(Settings(database, "node-2"));
        await WaitUntilAsync(async () => await CountAsync(database, """SELECT count(*) FROM mail_messages WHERE "State" = 4""") == count, second);
        var received = await MailTestKit.WaitForAsync(customer, count);
        await Task.Delay(1000);   // anything sent twice would arrive by now
        received = await MailTestKit.ReadAsync(customer);
        Assert.Equal(count, received.Count);
        Assert.Equal(count, received.Select(m => m.MessageId).Distinct().Count());
        Assert.All(received, m => Assert.Equal(2 * 1024 * 1024, Decoded((MimeKit.MimePart)m.Attachments.Single())));
        await first.DisposeAsync();
    }

    private static int Decoded(MimeKit.MimePart part)
    {
        using var bytes = new MemoryStream();
        part.Content!.DecodeTo(bytes);
        return (int)bytes.Length;
    }

    private static Dictionary<string, string?> Settings(TestDatabase database, string node)
    {
        var settings = database.Settings();
        settings["Crm:DataPath"] = Path.Combine(database.DataPath, node);
        settings["Crm:Storage:Path"] = Path.Combine(database.DataPath, "objects");   // one object store for both, as S3 would be
        settings["Crm:DataProtection:KeysPath"] = Path.Combine(database.DataPath, "keys");   // the nodes share the key ring that protects the password
        settings["Crm:Mail:SendInterval"] = "00:00:00.200";
        settings["Crm:Mail:SendClaim"] = "00:00:03";
        return settings;
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Task WaitUntilAsync(Func<bool> condition, ServerProcess server) => WaitUntilAsync(() => Task.FromResult(condition()), server);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            Assert.False(server.HasExited, "The server exited:\n" + server.Output);
            Assert.True(DateTime.UtcNow < deadline, "Timed out; server output:\n" + server.Output);
            await Task.Delay(100);
        }
    }
}
