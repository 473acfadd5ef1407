namespace Crm.Bench;

internal sealed record BenchOptions(string Provider, string Database, string ServerDll, int Clients, int Seconds, string? Only = null)
{
    /// <summary>S3 endpoint, access key and secret for phase d (documents); phase d is skipped without them.</summary>
    public string? S3Endpoint { get; init; }
    public string S3AccessKey { get; init; } = "";
    public string S3SecretKey { get; init; } = "";
    /// <summary>A mail stack for phase e (host, SMTP port, IMAP port; any user, password "pass"); phase e is skipped without it.</summary>
    public (string Host, int SmtpPort, int ImapPort)? Mail { get; init; }

    public bool IsPostgres => Provider == "postgres";

    public static BenchOptions Parse(string[] args)
    {
        string Get(string name, string? fallback = null)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"missing {name}");
        }

        var provider = Get("--provider");
        if (provider is not ("postgres" or "sqlite"))
        {
            throw new ArgumentException("--provider is postgres or sqlite");
        }

        return new BenchOptions(provider, Get("--db"), Get("--server"), int.Parse(Get("--clients", "4"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Get("--seconds", "10"), System.Globalization.CultureInfo.InvariantCulture),
            Array.IndexOf(args, "--only") >= 0 ? Get("--only") : null)
        {
            S3Endpoint = Array.IndexOf(args, "--s3") >= 0 ? Get("--s3") : null,
            S3AccessKey = Array.IndexOf(args, "--s3-access") >= 0 ? Get("--s3-access") : "",
            S3SecretKey = Array.IndexOf(args, "--s3-secret") >= 0 ? Get("--s3-secret") : "",
            Mail = Array.IndexOf(args, "--mail") >= 0 && Get("--mail").Split(':') is [var host, var smtp, var imap]
                ? (host, int.Parse(smtp, System.Globalization.CultureInfo.InvariantCulture), int.Parse(imap, System.Globalization.CultureInfo.InvariantCulture)) : null,
        };
    }
}
