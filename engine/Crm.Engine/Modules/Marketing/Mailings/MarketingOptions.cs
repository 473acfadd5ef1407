namespace Crm.Modules.Marketing.Mailings;

/// <summary>Mass mailing settings (<c>Crm:Marketing</c>).</summary>
public sealed class MarketingOptions
{
    public const string Section = "Crm:Marketing";

    /// <summary>Whether this node sends mailings (several nodes may: claims keep a message to one of them).</summary>
    public bool Worker { get; set; } = true;

    /// <summary>How often the sender looks for due messages.</summary>
    public TimeSpan SendInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed batch is a pass's own before another may take it (a node died mid-batch).</summary>
    public TimeSpan SendClaim { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Messages one pass claims at most.</summary>
    public int MaxBatch { get; set; } = 200;

    public int MaxSendAttempts { get; set; } = 5;
}
