using Xunit;

namespace Crm.Tests;

/// <summary>
/// Addresses of the real services that ./test.sh starts. A bare `dotnet test` without them skips the
/// tests that need them, saying which variable is missing; ./test.sh always sets them.
/// </summary>
public static class TestEnvironment
{
    public static string? PostgreSql => Get("CRM_TEST_POSTGRES");
    public static string? S3Endpoint => Get("CRM_TEST_S3_ENDPOINT");
    public static string S3AccessKey => Get("CRM_TEST_S3_ACCESS_KEY") ?? "";
    public static string S3SecretKey => Get("CRM_TEST_S3_SECRET_KEY") ?? "";
    public static string? Chromium => Get("CRM_TEST_CHROMIUM");
    public static string? SmtpHost => Get("CRM_TEST_SMTP_HOST");
    public static int SmtpPort => int.TryParse(Get("CRM_TEST_SMTP_PORT"), out var port) ? port : 25;
    public static int ImapPort => int.TryParse(Get("CRM_TEST_IMAP_PORT"), out var port) ? port : 143;
    public static string MailPassword => Get("CRM_TEST_MAIL_PASSWORD") ?? "pass";

    /// <summary>When set (./test.sh sets it), a missing service fails the test instead of skipping it.</summary>
    public static bool ServicesRequired => Get("CRM_TEST_REQUIRE_SERVICES") == "1";

    public static string RequirePostgreSql() => Require(PostgreSql, "CRM_TEST_POSTGRES", "PostgreSQL");

    public static string RequireS3() => Require(S3Endpoint, "CRM_TEST_S3_ENDPOINT", "an S3 server");

    /// <summary>Server settings that keep files in <paramref name="bucket"/> of the run's S3 server; none (the folder store) when the run has none.</summary>
    public static Dictionary<string, string?> S3Settings(string bucket, string endpoint) => new()
    {
        ["Crm:Storage:Provider"] = "S3",
        ["Crm:Storage:S3:Endpoint"] = endpoint,
        ["Crm:Storage:S3:AccessKey"] = S3AccessKey,
        ["Crm:Storage:S3:SecretKey"] = S3SecretKey,
        ["Crm:Storage:S3:Bucket"] = bucket,
    };

    /// <summary>The run's S3 server when it has one, else the folder store (no settings).</summary>
    public static Dictionary<string, string?> S3SettingsIfAny(string bucket) => S3Endpoint is { } endpoint ? S3Settings(bucket, endpoint) : new();

    public static string RequireMail() => Require(SmtpHost, "CRM_TEST_SMTP_HOST", "an SMTP + IMAP server");

    public static string RequireChromium() => Require(Chromium, "CRM_TEST_CHROMIUM", "Chromium");

    /// <summary>LibreOffice is installed, not started by ./test.sh: the caller says whether it was found.</summary>
    public static void RequireLibreOffice(bool installed)
    {
        if (!installed)
        {
            Missing("Needs LibreOffice: no soffice or libreoffice on PATH or in /usr/bin. Install it (apt-get install libreoffice-writer libreoffice-calc).");
        }
    }

    private static string Require(string? value, string variable, string what)
    {
        if (value is not null)
        {
            return value;
        }

        Missing($"Needs {what}: {variable} is not set. Run ./test.sh, which starts it.");
        return "";
    }

    private static void Missing(string message)
    {
        if (ServicesRequired)
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    private static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
