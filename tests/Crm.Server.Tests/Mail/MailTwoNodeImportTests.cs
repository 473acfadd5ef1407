using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Server.Tests.Infrastructure;
using Crm.Tests.Server;
using Npgsql;
using Xunit;

namespace Crm.Server.Tests.Mail;

/// <summary>Two server processes on one PostgreSQL database import the same mailbox (IDLE and poll on both): every mail is filed exactly once.</summary>
public sealed class MailTwoNodeImportTests
{
    [Fact]
    public async Task TwoServersImportingOneMailbox_FileEachMailOnce()
    {
        var host = Crm.Tests.TestEnvironment.RequireMail();
        await using var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var mailbox = $"dwa-{suffix}@test.local";
        await using var one = await ServerProcess.StartAsync(Settings(database, "node-1"));
        await using var two = await ServerProcess.StartAsync(Settings(database, "node-2"));
        using (var admin = await one.AdminClientAsync())
        {
            var created = await admin.PostAsJsonAsync("/api/admin/mail-accounts", new
            {
                name = "Two nodes", address = mailbox, owner = "admin", imapHost = host, imapPort = Crm.Tests.TestEnvironment.ImapPort, imapSecurity = "None",
                userName = mailbox, password = Crm.Tests.TestEnvironment.MailPassword, importEnabled = true, moveToFolder = "Imported",
            });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        const int count = 20;
        for (var i = 0; i < count; i++)
        {
            await MailTestKit.DeliverAsync(MailTestKit.Mail($"nadawca{i}-{suffix}@example.org", mailbox, $"Wiadomość {i}", $"Treść {i}"));
        }

        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await CountAsync(database, """SELECT count(*) FROM mail_messages""") < count)
        {
            Assert.False(one.HasExited || two.HasExited, one.Output + two.Output);
            Assert.True(DateTime.UtcNow < deadline, "Not all mail was imported:\n" + one.Output + two.Output);
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));   // anything filed twice would be there by now
        Assert.Equal(count, await CountAsync(database, """SELECT count(*) FROM mail_messages"""));
        Assert.Equal(count, await CountAsync(database, """SELECT count(DISTINCT "Subject") FROM mail_messages"""));
        Assert.Equal(count, (await MailTestKit.ReadAsync(mailbox, "Imported")).Count);
    }

    private static Dictionary<string, string?> Settings(TestDatabase database, string node)
    {
        var settings = database.Settings();
        settings["Crm:DataPath"] = Path.Combine(database.DataPath, node);
        settings["Crm:Storage:Path"] = Path.Combine(database.DataPath, "objects");
        settings["Crm:DataProtection:KeysPath"] = Path.Combine(database.DataPath, "keys");
        settings["Crm:Mail:PollInterval"] = "00:00:01";   // both nodes poll all the time, besides IDLE
        settings["Crm:Mail:IdleRefresh"] = "00:00:01";
        return settings;
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
