#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower(): .NET culture rules do not apply
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Campaigns;

/// <summary>How a target list is built: the counterparty list's search, category and filters; companies, or their persons with an e-mail.</summary>
public sealed record TargetQuery(string? Search, string? Category, IReadOnlyList<string>? Filters, bool Persons);

public sealed record TargetResult(int Added, int AlreadyOn, int Matched);

public sealed record MemberView(Guid Id, Guid CounterpartyId, string CounterpartyName, Guid? PersonId, string? PersonName, string? Email, MemberState State, string Source,
    DateTimeOffset AddedAt, DateTimeOffset StateAt, string? Note, Guid? CaseId, string? Owner);

public sealed record MemberPage(IReadOnlyList<MemberView> Items, int Total, int Hidden);

/// <summary>
/// The target list: members from the counterparty list's filter builder, a category, an import (NIPs or e-mail
/// addresses), a survey's answers or one by one; only counterparties the caller sees can be added; a member is on a
/// campaign once. States move forward (targeted → contacted → responded → converted); opting out ends a member.
/// </summary>
public sealed class CampaignMembers(CrmDbContext db, CampaignBook campaigns, CounterpartyService counterparties, CounterpartyAccess recordAccess, TimeProvider clock)
{
    public const int MaxMembers = 100_000;

    public async Task<TargetResult> AddFromQueryAsync(Guid campaignId, TargetQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        await campaigns.FindEditableAsync(campaignId, user, cancellationToken);
        var filters = (query.Filters ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).Select(FieldFilter.Parse).ToList();
        if (filters.Count == 0 && string.IsNullOrWhiteSpace(query.Search) && string.IsNullOrWhiteSpace(query.Category))
        {
            throw ValidationFailedException.For("filters", "Narrow the list with a search, a category or a filter: a campaign does not target every counterparty by accident.");
        }

        var targets = await counterparties.SelectTargetsAsync(query.Search, query.Category, filters, MaxMembers, user, cancellationToken);
        if (targets.Count > MaxMembers)
        {
            throw ValidationFailedException.For("filters", $"More than {MaxMembers:N0} counterparties match: narrow the filter.");
        }

        var members = query.Persons
            ? targets.SelectMany(t => t.PersonsWithEmail.Select(p => (t.CounterpartyId, (Guid?)p)))
            : targets.Select(t => (t.CounterpartyId, (Guid?)null));
        return await AddAsync(campaignId, [.. members], query.Persons ? "filter-persons" : "filter", cancellationToken);
    }

    /// <summary>Lines of NIPs or e-mail addresses (one per line, or separated by commas/semicolons): NIPs add companies, addresses their persons.</summary>
    public async Task<(TargetResult Result, IReadOnlyList<string> NotFound)> ImportAsync(Guid campaignId, string? text, CurrentUser user, CancellationToken cancellationToken)
    {
        await campaigns.FindEditableAsync(campaignId, user, cancellationToken);
        var entries = (text ?? "").Split(['\n', '\r', ',', ';', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (entries.Count is 0 or > 20_000)
        {
            throw ValidationFailedException.For("text", "Paste 1 to 20 000 NIPs or e-mail addresses, one per line.");
        }

        var emails = entries.Where(e => e.Contains('@', StringComparison.Ordinal)).Select(e => e.ToLowerInvariant()).ToList();
        var nips = entries.Except(emails, StringComparer.OrdinalIgnoreCase).Select(CounterpartyService.NormalizeNip).Where(n => n is not null).Select(n => n!).ToList();
        var visible = recordAccess.Visible(db.Counterparties, user);
        var found = new List<(Guid, Guid?)>();
        var foundKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var chunk in nips.Chunk(1000))
        {
            foreach (var c in await visible.Where(c => c.Nip != null && chunk.Contains(c.Nip)).Select(c => new { c.Id, c.Nip }).ToListAsync(cancellationToken))
            {
                found.Add((c.Id, null));
                foundKeys.Add(c.Nip!);
            }
        }

        foreach (var chunk in emails.Chunk(1000))
        {
            foreach (var p in await db.Persons.Where(p => p.Email != null && chunk.Contains(p.Email.ToLower()) && visible.Any(c => c.Id == p.CounterpartyId))
                         .Select(p => new { p.Id, p.CounterpartyId, p.Email }).ToListAsync(cancellationToken))
            {
                found.Add((p.CounterpartyId!.Value, p.Id));
                foundKeys.Add(p.Email!.ToLowerInvariant());
            }
        }

        var notFound = entries.Where(e => !foundKeys.Contains(e.Contains('@', StringComparison.Ordinal) ? e.ToLowerInvariant() : CounterpartyService.NormalizeNip(e) ?? e)).Take(200).ToList();
        return (await AddAsync(campaignId, found, "import", cancellationToken), notFound);
    }

    /// <summary>Members another part selected for the caller (a survey's answers): each re-checked to be visible to them.</summary>
    /// <param name="save">False inside a process step: the members join the step's commit.</param>
    public async Task<TargetResult> AddSelectedAsync(Guid campaignId, IReadOnlyList<(Guid CounterpartyId, Guid? PersonId)> selected, string source, CurrentUser user, CancellationToken cancellationToken,
        bool save = true)
    {
        await campaigns.FindEditableAsync(campaignId, user, cancellationToken);
        var ids = selected.Select(s => s.CounterpartyId).Distinct().ToList();
        var visible = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(1000))
        {
            visible.UnionWith(await recordAccess.Visible(db.Counterparties, user).Where(c => chunk.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken));
        }

        var personIds = selected.Where(s => s.PersonId is not null).Select(s => s.PersonId!.Value).Distinct().ToList();
        var personOf = new Dictionary<Guid, Guid?>();
        foreach (var chunk in personIds.Chunk(1000))
        {
            foreach (var p in await db.Persons.Where(p => chunk.Contains(p.Id)).Select(p => new { p.Id, p.CounterpartyId }).ToListAsync(cancellationToken))
            {
                personOf[p.Id] = p.CounterpartyId;
            }
        }

        // A person must belong to the company it is listed with.
        var members = selected.Where(s => visible.Contains(s.CounterpartyId) && (s.PersonId is null || personOf.GetValueOrDefault(s.PersonId.Value) == s.CounterpartyId)).ToList();
        return await AddAsync(campaignId, members, source, cancellationToken, save);
    }

    public async Task<MemberPage> ListAsync(Guid campaignId, MemberState? state, string? search, int page, int pageSize, CurrentUser user, CancellationToken cancellationToken)
    {
        await campaigns.FindAsync(campaignId, user, cancellationToken);
        var visible = recordAccess.Visible(db.Counterparties, user);
        var all = db.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == campaignId);
        var total = await all.CountAsync(cancellationToken);
        var query = from m in all
                    join c in visible on m.CounterpartyId equals c.Id
                    select new { m, c.Name, c.Owner };
        var hidden = total - await query.CountAsync(cancellationToken);
        if (state is { } s)
        {
            query = query.Where(x => x.m.State == s);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim();
            query = query.Where(x => x.Name.Contains(text));
        }

        var shown = await query.CountAsync(cancellationToken);

        (page, pageSize) = (Math.Max(1, page), Math.Clamp(pageSize, 1, 500));
        var items = await query.OrderBy(x => x.Name).ThenBy(x => x.m.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(x => new MemberView(x.m.Id, x.m.CounterpartyId, x.Name, x.m.PersonId,
                db.Persons.Where(p => p.Id == x.m.PersonId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefault(),
                db.Persons.Where(p => p.Id == x.m.PersonId).Select(p => p.Email).FirstOrDefault(),
                x.m.State, x.m.Source, x.m.AddedAt, x.m.StateAt, x.m.Note, x.m.CaseId, x.Owner))
            .ToListAsync(cancellationToken);
        return new MemberPage(items, shown, hidden);
    }

    public async Task<MemberView> SetStateAsync(Guid campaignId, Guid memberId, MemberState state, string? note, CurrentUser user, CancellationToken cancellationToken, bool save = true)
    {
        await campaigns.FindEditableAsync(campaignId, user, cancellationToken);
        var member = await MemberAsync(campaignId, memberId, user, cancellationToken);
        if (state != MemberState.OptedOut && (member.State == MemberState.OptedOut || state < member.State))
        {
            throw new ConflictException($"A member who is {member.State.ToString().ToLowerInvariant()} cannot go back to {state.ToString().ToLowerInvariant()}.");
        }

        (member.State, member.StateAt, member.Note) = (state, clock.GetUtcNow(), Consents.ConsentLedger.Clip(note, 1000) ?? member.Note);
        if (!save)
        {
            return await ListOneAsync(campaignId, memberId, user, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return await ListOneAsync(campaignId, memberId, user, cancellationToken);
    }

    public async Task RemoveAsync(Guid campaignId, Guid memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.FindEditableAsync(campaignId, user, cancellationToken);
        if (campaign.Status != CampaignStatus.Draft)
        {
            throw new ConflictException("Members leave a running campaign by opting out, so its results stay true.");
        }

        var member = await MemberAsync(campaignId, memberId, user, cancellationToken);
        db.CampaignMembers.Remove(member);
        await db.SaveChangesAsync(cancellationToken);
    }

    internal async Task<TargetResult> AddAsync(Guid campaignId, IReadOnlyList<(Guid CounterpartyId, Guid? PersonId)> members, string source, CancellationToken cancellationToken, bool save = true)
    {
        var keys = members.Select(m => CampaignMember.KeyOf(m.CounterpartyId, m.PersonId)).ToList();
        var existing = await db.CampaignMembers.Where(m => m.CampaignId == campaignId).Select(m => m.MemberKey).ToListAsync(cancellationToken);
        var present = existing.ToHashSet(StringComparer.Ordinal);
        if (present.Count + keys.Distinct().Count(k => !present.Contains(k)) > MaxMembers)
        {
            throw ValidationFailedException.For("filters", $"A campaign has at most {MaxMembers:N0} members.");
        }

        var now = clock.GetUtcNow();
        var added = 0;
        foreach (var (member, key) in members.Zip(keys))
        {
            if (present.Add(key))
            {
                db.CampaignMembers.Add(new CampaignMember
                {
                    CampaignId = campaignId, CounterpartyId = member.CounterpartyId, PersonId = member.PersonId, MemberKey = key, Source = source, AddedAt = now, StateAt = now,
                });
                added++;
            }
        }

        if (!save)
        {
            return new TargetResult(added, members.Count - added, members.Count);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("Someone added members to this campaign at the same moment: add them again (those already on the list are skipped).");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return new TargetResult(added, members.Count - added, members.Count);
    }

    private async Task<CampaignMember> MemberAsync(Guid campaignId, Guid memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        var visible = recordAccess.Visible(db.Counterparties, user);
        return await db.CampaignMembers.SingleOrDefaultAsync(m => m.Id == memberId && m.CampaignId == campaignId && visible.Any(c => c.Id == m.CounterpartyId), cancellationToken)
            ?? throw new NotFoundException($"Member {memberId} is not on this campaign or not visible to you.");
    }

    public Task<MemberView> GetAsync(Guid campaignId, Guid memberId, CurrentUser user, CancellationToken cancellationToken) => ListOneAsync(campaignId, memberId, user, cancellationToken);

    private async Task<MemberView> ListOneAsync(Guid campaignId, Guid memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        var member = await MemberAsync(campaignId, memberId, user, cancellationToken);
        var company = await db.Counterparties.AsNoTracking().Where(c => c.Id == member.CounterpartyId).Select(c => new { c.Name, c.Owner }).SingleAsync(cancellationToken);
        var person = member.PersonId is { } p ? await db.Persons.AsNoTracking().Where(x => x.Id == p).Select(x => new { Name = x.FirstName + " " + x.LastName, x.Email }).SingleOrDefaultAsync(cancellationToken) : null;
        return new MemberView(member.Id, member.CounterpartyId, company.Name, member.PersonId, person?.Name, person?.Email, member.State, member.Source, member.AddedAt, member.StateAt,
            member.Note, member.CaseId, company.Owner);
    }
}
