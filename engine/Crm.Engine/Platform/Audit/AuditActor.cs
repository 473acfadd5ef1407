namespace Crm.Platform.Audit;

/// <summary>
/// Who is acting in this flow of work (a request, a UI action): audit rules record them as the actor of the
/// changes they derive (permission, role, membership, record edits) instead of "system". Set by the host for
/// every signed-in request and by the UI for every action; background work leaves it empty ("system").
/// </summary>
public static class AuditActor
{
    private static readonly AsyncLocal<string?> Holder = new();

    public static string? Current => Holder.Value;

    /// <summary>Sets the actor until the returned scope is disposed.</summary>
    public static IDisposable Begin(string? userName)
    {
        var previous = Holder.Value;
        Holder.Value = userName;
        return new Restore(previous);
    }

    public static string Or(string fallback) => Current ?? fallback;

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => Holder.Value = previous;
    }
}
