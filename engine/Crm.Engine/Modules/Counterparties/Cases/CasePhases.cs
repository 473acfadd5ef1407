using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Cases;

/// <summary>
/// The ordered phases of open cases, defined by admins in two dictionaries: the phases of potential cases, then those
/// of cases in progress. Closed cases are won or lost. A dictionary nobody has filled yet gives the built-in phases
/// (qualification; offer, negotiation), which the built-in sales-cycle process moves through.
/// </summary>
public sealed record CasePhases(IReadOnlyList<string> Potential, IReadOnlyList<string> InProgress)
{
    public const string PotentialDictionary = "case_phase_potential", InProgressDictionary = "case_phase_progress";

    public static readonly CasePhases BuiltIn = new(["qualification"], ["offer", "negotiation"]);

    public static readonly IReadOnlyList<string> Outcomes = ["won", "lost"];

    /// <summary>Every open phase in order: potential first.</summary>
    public IReadOnlyList<string> Open { get; } = [.. Potential, .. InProgress];

    public string First => Open[0];

    public bool IsOpenPhase(string phase) => Open.Contains(phase, StringComparer.Ordinal);

    public CaseGroup GroupOf(string phase) => Potential.Contains(phase, StringComparer.Ordinal) ? CaseGroup.Potential : CaseGroup.InProgress;

    /// <summary>Position in <see cref="Open"/> (what funnel conversion counts); 0 for a phase no longer defined.</summary>
    public int IndexOf(string phase) => Math.Max(0, Open.ToList().IndexOf(phase));

    /// <summary>The probability a case gets on entering a phase: 10 % at the first, 70 % at the last, spread evenly between.</summary>
    public int DefaultProbability(string phase) =>
        Open.Count <= 1 ? 10 : (int)Math.Round(10 + 60.0 * IndexOf(phase) / (Open.Count - 1), MidpointRounding.AwayFromZero);

    public static async Task<CasePhases> LoadAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        var entries = await db.Set<DictionaryEntry>().AsNoTracking()
            .Where(d => d.Dictionary == PotentialDictionary || d.Dictionary == InProgressDictionary)
            .OrderBy(d => d.Order).ThenBy(d => d.Value)
            .Select(d => new { d.Dictionary, d.Value, d.Active }).ToListAsync(cancellationToken);
        IReadOnlyList<string> Of(string dictionary, IReadOnlyList<string> fallback)
        {
            var own = entries.Where(e => e.Dictionary == dictionary).ToList();
            return own.Count == 0 ? fallback : [.. own.Where(e => e.Active).Select(e => e.Value.ToLowerInvariant())];
        }

        var phases = new CasePhases(Of(PotentialDictionary, BuiltIn.Potential), Of(InProgressDictionary, BuiltIn.InProgress));
        return phases.Open.Count == 0 ? BuiltIn : phases;
    }

    /// <summary>Writes the built-in phases into both dictionaries while neither has any entry, so admins see them in the settings and edit from there.</summary>
    public static async Task SeedAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Set<DictionaryEntry>().AnyAsync(d => d.Dictionary == PotentialDictionary || d.Dictionary == InProgressDictionary, cancellationToken))
        {
            return;
        }

        db.AddRange(BuiltIn.Potential.Select((p, i) => new DictionaryEntry { Dictionary = PotentialDictionary, Value = p, Order = i + 1 }));
        db.AddRange(BuiltIn.InProgress.Select((p, i) => new DictionaryEntry { Dictionary = InProgressDictionary, Value = p, Order = i + 1 }));
        await db.SaveChangesAsync(cancellationToken);
    }
}
