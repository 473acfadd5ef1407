using System.Text.RegularExpressions;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Counterparties.Cases;

/// <summary>The last case number given in a year; raised in the creating commit (its value is its concurrency token).</summary>
public sealed class CaseCounter
{
    public int Year { get; set; }
    public int Last { get; set; }
}

internal sealed class CaseCounterConfiguration : IEntityTypeConfiguration<CaseCounter>
{
    public void Configure(EntityTypeBuilder<CaseCounter> builder)
    {
        builder.ToTable("case_counters");
        builder.HasKey(c => c.Year);
        builder.Property(c => c.Year).ValueGeneratedNever();
        builder.Property(c => c.Last).IsConcurrencyToken();
    }
}

/// <summary>
/// Case numbers <c>SPR/2026/12</c> (sprawa): per year, without gaps, raised in the commit that creates the case, so
/// two cases created at once get consecutive numbers (the loser of the counter is retried). Mail whose subject names a
/// number is filed on that case.
/// </summary>
[Crm.Platform.Common.ModuleContract]
public static partial class CaseNumbers
{
    [GeneratedRegex(@"\bSPR/(\d{4})/(\d{1,7})\b", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex InText();

    public static string Format(int year, int sequence) => $"SPR/{year:0000}/{sequence}";

    /// <summary>The case numbers a text (a mail subject) names, normalised.</summary>
    public static IReadOnlyList<string> Find(string? text) =>
        string.IsNullOrEmpty(text) ? [] : [.. InText().Matches(text).Select(m => Format(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).Distinct()];

    /// <summary>Gives the case the next number of its year in the caller's unit of work.</summary>
    public static async Task AssignAsync(CrmDbContext db, CrmCase item, CancellationToken cancellationToken)
    {
        var year = item.CreatedAt.Year;
        var counter = await db.CaseCounters.SingleOrDefaultAsync(c => c.Year == year, cancellationToken);
        if (counter is null)
        {
            counter = new CaseCounter { Year = year };
            db.CaseCounters.Add(counter);   // a twin insert loses on the key and is retried like a conflict
        }

        counter.Last++;
        item.Number = Format(year, counter.Last);
    }
}
