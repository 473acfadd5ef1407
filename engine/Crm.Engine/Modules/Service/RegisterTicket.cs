using Crm.Modules.Counterparties;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

public sealed record RegisterTicketRequest(string? Subject, string? Description, Guid? CounterpartyId, Guid? PersonId, string? Classification, string? Priority,
    int? Impact, int? Urgency, string? Group = null);

public sealed record RegisteredTicket(Guid Id, string Number, DateTimeOffset ReactionDueAt, DateTimeOffset ResolutionDueAt);

/// <summary>
/// Registers a ticket: fields checked, counterparty and person must be visible; the customer tier comes from the
/// counterparty's priority; the SLA policy for classification and tier sets the targets; the clocks start in the
/// business calendar's working time; the number, the ticket and its service-ticket process commit together.
/// </summary>
public sealed class RegisterTicket(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock, ProcessEngine engine, IServiceTicketProcess process)
{
    public static readonly IReadOnlyList<string> Priorities = ["low", "normal", "high", "critical"];

    public async Task<RegisteredTicket> RunAsync(RegisterTicketRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsProcessOwner && !user.Roles.Contains(Roles.Staff))
        {
            throw new ForbiddenException("Staff register tickets.");
        }

        var settings = await ServiceSettingsService.LoadAsync(db, cancellationToken);
        var classifications = ServiceSettingsService.ClassificationsOf(settings);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Subject) || request.Subject.Length > 300) errors["subject"] = ["Give the ticket a subject of at most 300 characters."];
        if (request.Description is { Length: > 8000 }) errors["description"] = ["At most 8000 characters."];
        if (request.Classification is null || !classifications.Contains(request.Classification)) errors["classification"] = [$"Choose one of: {string.Join(", ", classifications)}."];
        if (request.Priority is not null && !Priorities.Contains(request.Priority)) errors["priority"] = [$"Choose one of: {string.Join(", ", Priorities)}."];
        if (request.Impact is < 1 or > 3) errors["impact"] = ["1 (low) to 3 (high)."];
        if (request.Urgency is < 1 or > 3) errors["urgency"] = ["1 (low) to 3 (high)."];
        if (request.Group is { } group && !await db.Groups.AnyAsync(g => g.Name == group, cancellationToken)) errors["group"] = [$"There is no group '{group}'."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var tier = "C";
        if (request.CounterpartyId is { } company)
        {
            var priority = await recordAccess.Visible(db.Counterparties, user).Where(c => c.Id == company).Select(c => new { c.Priority }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"Counterparty {company} does not exist.");
            tier = priority.Priority is "A" or "B" ? priority.Priority : "C";
        }

        if (request.PersonId is { } personId && !await PersonAccess.Visible(db, recordAccess, user).AnyAsync(p => p.Id == personId && (request.CounterpartyId == null || p.CounterpartyId == request.CounterpartyId), cancellationToken))
        {
            throw new NotFoundException($"Person {personId} does not exist.");
        }

        var policy = await ServiceSettingsService.PolicyForAsync(db, request.Classification!, tier, cancellationToken);
        var calendar = ServiceSettingsService.CalendarOf(settings);
        return await engine.ExecuteAsync(async unit =>
        {
            var now = clock.GetUtcNow();
            var year = now.Year;
            var sequence = await NextAsync(year, cancellationToken);
            var ticket = new Ticket
            {
                Number = RecordNumbers.Format(settings.NumberPattern, year, sequence), Year = year, Sequence = sequence,
                Subject = request.Subject!.Trim(), Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
                CounterpartyId = request.CounterpartyId, PersonId = request.PersonId, Classification = request.Classification!, CustomerTier = tier,
                Priority = Enum.Parse<TicketPriority>(request.Priority ?? "normal", ignoreCase: true), Impact = request.Impact ?? 2, Urgency = request.Urgency ?? 2,
                Group = request.Group ?? settings.Group, RegisteredBy = user.UserName, CreatedAt = now,
                ReactionTargetMinutes = policy.ReactionMinutes, ResolutionTargetMinutes = policy.ResolutionMinutes,
            };
            ticket.Score = ScoreOf(ticket, settings);
            SlaClock.Start(ticket, calendar);
            db.Tickets.Add(ticket);
            db.TicketEvents.Add(new TicketEvent
            {
                TicketId = ticket.Id, At = now, Kind = "registered", By = user.UserName,
                Text = $"{ticket.Number}: {ticket.Classification}, tier {tier}, policy '{policy.Name}' ({policy.ReactionMinutes} / {policy.ResolutionMinutes} working minutes)",
            });
            ticket.InstanceId = await process.StartAsync(unit, ticket, user.UserName, cancellationToken);
            return new RegisteredTicket(ticket.Id, ticket.Number, ticket.ReactionDueAt, ticket.ResolutionDueAt!.Value);
        }, cancellationToken);
    }

    /// <summary>The weighted score: impact and urgency 1–3, tier A=3, B=2, C=1, each times the admin's weight.</summary>
    public static int ScoreOf(Ticket ticket, ServiceSettings settings) =>
        (ticket.Impact * settings.ImpactWeight) + (ticket.Urgency * settings.UrgencyWeight) + ((ticket.CustomerTier switch { "A" => 3, "B" => 2, _ => 1 }) * settings.TierWeight);

    private async Task<int> NextAsync(int year, CancellationToken cancellationToken)
    {
        var counter = await db.TicketCounters.SingleOrDefaultAsync(c => c.Year == year, cancellationToken);
        if (counter is null)
        {
            counter = new TicketCounter { Year = year };
            db.TicketCounters.Add(counter);   // a twin insert loses on the key and the engine's conflict loop retries
        }

        counter.Last++;
        return counter.Last;
    }
}
