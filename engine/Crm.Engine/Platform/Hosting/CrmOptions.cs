namespace Crm.Platform.Hosting;

/// <summary>Top-level settings (section <c>Crm</c>); every key can be set as an environment variable with <c>__</c>.</summary>
public sealed class CrmOptions
{
    public const string Section = "Crm";

    /// <summary>Folder for the SQLite file, local objects, index and scratch space.</summary>
    public string DataPath { get; set; } = "data";

    public DemoOptions Demo { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
    public SignInOptions SignIn { get; set; } = new();
    public ReportOptions Reports { get; set; } = new();
}

public sealed class ReportOptions
{
    /// <summary>Default hourly rate of the time-and-cost-per-customer report (each run may use another).</summary>
    public decimal HourlyRate { get; set; } = 150m;
    public string Currency { get; set; } = "PLN";
}

public sealed class DemoOptions
{
    /// <summary>Load demo users, groups and data from samples/ at start-up.</summary>
    public bool Load { get; set; }
    /// <summary>Folder holding the demo data; defaults to samples/demo beside the application.</summary>
    public string? SamplesPath { get; set; }
}

public sealed class AdminOptions
{
    /// <summary>Password for the first 'admin' user; when empty a random one is generated and printed once.</summary>
    public string? InitialPassword { get; set; }
}

public sealed class SignInOptions
{
    /// <summary>Consecutive failed sign-ins before the account is locked for a while.</summary>
    public int MaxFailedAttempts { get; set; } = 5;
    /// <summary>First lock period; it doubles with every further failure up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Lifetime of tokens from POST /api/auth/token.</summary>
    public TimeSpan SessionTokenLifetime { get; set; } = TimeSpan.FromHours(8);
    /// <summary>The longest a named API token may live; a token asked for without an expiry gets this one.</summary>
    public TimeSpan MaxApiTokenLifetime { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>A setting is wrong or a required service is unreachable; start-up stops with this message and nothing else.</summary>
public sealed class CrmConfigurationException(string setting, string message, Exception? inner = null)
    : Exception($"Configuration error in '{setting}': {message}", inner)
{
    public string Setting { get; } = setting;
}
