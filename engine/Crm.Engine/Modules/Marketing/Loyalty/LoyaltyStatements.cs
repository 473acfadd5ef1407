using System.Globalization;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>One ledger row with the balance of its point type after it.</summary>
public sealed record StatementLine(Guid Id, DateTimeOffset At, string Kind, string PointType, int Points, int Balance, string Reason, string By, string SourceKey);

/// <summary>A member's statement for from..to (days, inclusive): the opening balance per point type, the rows, the closing balance.</summary>
public sealed record LoyaltyStatement(Guid MemberId, string Number, DateOnly? From, DateOnly? To, IReadOnlyList<BalanceView> Opening, IReadOnlyList<StatementLine> Lines,
    IReadOnlyList<BalanceView> Closing);

/// <summary>Statements per member (the ledger with a running balance per point type) and their Excel export.</summary>
public sealed class LoyaltyStatements(CrmDbContext db, LoyaltyAccess access, TimeProvider clock)
{
    public async Task<LoyaltyStatement> GetAsync(Guid memberId, DateOnly? from, DateOnly? to, CurrentUser user, CancellationToken cancellationToken)
    {
        var member = await access.MemberAsync(memberId, user, AccessRights.Read, cancellationToken);
        if (from > to) throw ValidationFailedException.For("from", "From must not be after to.");
        var types = await db.LoyaltyPointTypes.AsNoTracking().Where(t => t.ProgrammeId == member.ProgrammeId).OrderBy(t => t.Code).ToListAsync(cancellationToken);
        var start = from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var end = to is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var opening = start is { } s
            ? await db.LoyaltyOperations.AsNoTracking().Where(o => o.MemberId == memberId && o.At < s).GroupBy(o => o.PointType)
                .Select(g => new { g.Key, Points = g.Sum(o => o.Points) }).ToDictionaryAsync(x => x.Key, x => x.Points, cancellationToken)
            : [];
        var rows = db.LoyaltyOperations.AsNoTracking().Where(o => o.MemberId == memberId);
        if (start is { } s2) rows = rows.Where(o => o.At >= s2);
        if (end is { } e) rows = rows.Where(o => o.At < e);
        var operations = await rows.OrderBy(o => o.At).ThenBy(o => o.Id).ToListAsync(cancellationToken);
        var running = new Dictionary<string, int>(opening, StringComparer.Ordinal);
        var lines = new List<StatementLine>(operations.Count);
        foreach (var o in operations)
        {
            running[o.PointType] = running.GetValueOrDefault(o.PointType) + o.Points;
            lines.Add(new StatementLine(o.Id, o.At, o.Kind, o.PointType, o.Points, running[o.PointType], o.Reason, o.By, o.SourceKey));
        }

        return new LoyaltyStatement(memberId, member.Number, from, to,
            [.. types.Select(x => new BalanceView(x.Code, x.Name, opening.GetValueOrDefault(x.Code)))],
            lines, [.. types.Select(x => new BalanceView(x.Code, x.Name, running.GetValueOrDefault(x.Code)))]);
    }

    /// <summary>The statement as .xlsx (export right; audited).</summary>
    public async Task<byte[]> ExportAsync(Guid memberId, DateOnly? from, DateOnly? to, CurrentUser user, CancellationToken cancellationToken)
    {
        access.Require(user, AccessRights.Export);
        var statement = await GetAsync(memberId, from, to, user, cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "loyalty-statement", memberId.ToString(), new { from, to, statement.Lines.Count }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        var opening = statement.Opening.Select(b => (IReadOnlyList<object?>)[null, "opening", b.PointType, null, b.Points, "Opening balance", null]);
        var lines = statement.Lines.Select(l => (IReadOnlyList<object?>)[l.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), l.Kind, l.PointType, l.Points, l.Balance, l.Reason, l.By]);
        return ExcelWriter.Write($"Statement {statement.Number}", ["Date (UTC)", "Operation", "Point type", "Points", "Balance", "Reason", "By"], [.. opening, .. lines]);
    }
}
