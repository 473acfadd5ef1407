using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Server.Tests.Infrastructure;
using Crm.Server.Tests.Mail;
using Crm.Tests.Server;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Npgsql;
using Xunit;

namespace Crm.Server.Tests.Marketing;

/// <summary>
/// A mass mailing under a real crash: the server process is killed (SIGKILL) while a message is half transferred, after
/// part of the list went out. A second server on the same database resumes where the first stopped: every recipient
/// gets the mailing exactly once, and what went out before the crash is not sent again.
/// </summary>
public sealed class MailingCrashTests
{
    private const string DemoPassword = "Demo123!";

    [Fact]
    public async Task AServerKilledMidMailing_ResumesOnAnotherNode_WithNoDuplicates()
    {
        var host = Crm.Tests.TestEnvironment.RequireMail();
        await using var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        // Starts with a letter: a target search of digits alone is a NIP prefix (8 hex digits are all digits in 2 % of runs).
        var suffix = "k" + Guid.NewGuid().ToString("N")[..8];
        var box = $"crash-{suffix}";
        const int count = 40;
        await using var proxy = SmtpHoldProxy.Start(host, Crm.Tests.TestEnvironment.SmtpPort, live: true);   // the mailing's one connection stops at its next DATA

        var first = await ServerProcess.StartAsync(Settings(database, "node-1", demo: true));
        Guid mailing;
        using (var anna = await SignInAsync(first, "anna"))
        using (var kasia = await SignInAsync(first, "kasia"))
        {
            var created = await kasia.PostAsJsonAsync("/api/admin/mail-accounts", new
            {
                name = "Kampanie", address = $"kampanie-{suffix}@test.local", owner = "anna", smtpHost = "127.0.0.1", smtpPort = proxy.Port, smtpSecurity = "None",
                imapHost = host, imapPort = Crm.Tests.TestEnvironment.ImapPort, imapSecurity = "None", userName = $"kampanie-{suffix}@test.local",
                password = Crm.Tests.TestEnvironment.MailPassword, importEnabled = false,
            });
            var account = await IdAsync(created);
            var company = await IdAsync(await anna.PostAsJsonAsync("/api/counterparties", new { name = $"Awaria {suffix}", region = "sales" }));
            for (var i = 0; i < count; i++)
            {
                await IdAsync(await anna.PostAsJsonAsync("/api/persons", new
                {
                    counterpartyId = company, firstName = $"Osoba{i:00}", lastName = "Testowa", email = $"{box}+{i}@test.local", marketingConsent = true, consentSource = "formularz WWW",
                }));
            }

            var campaign = await IdAsync(await anna.PostAsJsonAsync("/api/campaigns", new { name = $"Awaria {suffix}", type = "mailing" }));
            var added = await (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { search = suffix, persons = true })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(count, added.GetProperty("added").GetInt32());
            mailing = await IdAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/mailings", new
            {
                name = "Awaria", accountId = account, subject = "Dla {{person.firstName}}", body = "Dzień dobry {{person.firstName}}", ratePerMinute = 600,
            }));
            await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/actions", new { kind = "Mailing", title = "Awaria", mailingId = mailing }));
            await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/start", new { approver = "piotr" }));
            using var piotr = await SignInAsync(first, "piotr");
            var tasks = await piotr.GetFromJsonAsync<JsonElement>("/api/tasks?assignee=me&processKey=campaign-actions");
            var approval = tasks.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
            await OkAsync(await piotr.PostAsJsonAsync($"/api/tasks/{approval}/complete", new { variables = new { approved = "yes" } }));
        }

        // 600 a minute: ten a second. A part goes out, then the next transfer is held at DATA and the node dies under it.
        await WaitUntilAsync(async () => await CountAsync(database, mailing, "\"State\" = 2") >= 10, first);
        proxy.Hold = true;
        await WaitUntilAsync(() => Task.FromResult(proxy.HeldSessions > 0), first);
        var sentBeforeCrash = await CountAsync(database, mailing, "\"State\" = 2");
        Assert.InRange(sentBeforeCrash, 10, count - 1);
        Assert.True(await CountAsync(database, mailing, "\"State\" = 1") >= 1);   // claimed, never accepted
        await first.KillAsync();
        proxy.Hold = false;

        await using var second = await ServerProcess.StartAsync(Settings(database, "node-2", demo: false));
        await WaitUntilAsync(async () => await CountAsync(database, mailing, "\"State\" = 2") == count, second);
        using (var anna = await SignInAsync(second, "anna"))
        {
            var view = await anna.GetFromJsonAsync<JsonElement>($"/api/mailings/{mailing}");
            for (var i = 0; i < 100 && view.GetProperty("status").GetString() != "Sent"; i++)
            {
                await Task.Delay(200);
                view = await anna.GetFromJsonAsync<JsonElement>($"/api/mailings/{mailing}");
            }

            Assert.Equal("Sent", view.GetProperty("status").GetString());
            Assert.Equal(count, view.GetProperty("counts").GetProperty("sent").GetInt32());
        }

        // Every recipient exactly once (plus-addressing delivers them all to one mailbox); anything sent twice would be there by now.
        var subjects = await WaitForSubjectsAsync($"{box}@test.local", count);
        await Task.Delay(1500);
        subjects = await WaitForSubjectsAsync($"{box}@test.local", count);
        Assert.Equal(count, subjects.Count);
        Assert.Equal(count, subjects.Distinct().Count());
        await first.DisposeAsync();
    }

    private static async Task<List<string>> WaitForSubjectsAsync(string mailbox, int count)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync(MailTestKit.Host, Crm.Tests.TestEnvironment.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(mailbox, Crm.Tests.TestEnvironment.MailPassword);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        for (var i = 0; i < 150 && imap.Inbox.Count < count; i++)
        {
            await Task.Delay(200);
            await imap.Inbox.StatusAsync(StatusItems.Count);
        }

        var summaries = imap.Inbox.Count == 0 ? [] : await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope);
        await imap.DisconnectAsync(true);
        return [.. summaries.Select(s => s.Envelope!.Subject ?? "")];
    }

    private static async Task<HttpClient> SignInAsync(ServerProcess server, string user)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        // The demo data loads after the server is healthy: its users may need a moment.
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = user, password = DemoPassword });
            if (response.IsSuccessStatusCode)
            {
                var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return client;
            }

            Assert.True(attempt < 300, $"{user} could not sign in: {(int)response.StatusCode}\n{server.Output}");
            await Task.Delay(200);
        }
    }

    private static Dictionary<string, string?> Settings(TestDatabase database, string node, bool demo)
    {
        var settings = database.Settings();
        settings["Crm:DataPath"] = Path.Combine(database.DataPath, node);
        settings["Crm:Storage:Path"] = Path.Combine(database.DataPath, "objects");
        settings["Crm:DataProtection:KeysPath"] = Path.Combine(database.DataPath, "keys");   // both nodes read the account's password
        settings["Crm:Demo:Load"] = demo ? "true" : "false";
        settings["Crm:Marketing:SendInterval"] = "00:00:00.200";
        settings["Crm:Marketing:SendClaim"] = "00:00:03";
        return settings;
    }

    private static async Task<long> CountAsync(TestDatabase database, Guid mailing, string condition)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM mailing_recipients WHERE \"MailingId\" = @m AND {condition}", connection);
        command.Parameters.AddWithValue("m", mailing);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (!await condition())
        {
            Assert.False(server.HasExited, "The server exited:\n" + server.Output);
            Assert.True(DateTime.UtcNow < deadline, "Timed out; server output:\n" + server.Output);
            await Task.Delay(100);
        }
    }

    private static async Task OkAsync(HttpResponseMessage response) => Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
