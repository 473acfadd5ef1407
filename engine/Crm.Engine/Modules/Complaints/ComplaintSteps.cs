using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

/// <summary>What the classification gives the process: the handling group and when it must warn and when the deadline ends.</summary>
public sealed record ComplaintClassification(string HandlingGroup, DateOnly Deadline, DateTimeOffset DeadlineEndsAt, DateTimeOffset WarnAt);

/// <summary>
/// The complaint's steps as the complaint-handling process takes them, each in the same commit as the step: classify,
/// decide, approve (four eyes), answer, accept by default when the deadline passed, resolve, close. The process's
/// handlers call these with the complaint id from the process's protected variables, never one a client sent.
/// </summary>
public sealed class ComplaintSteps(CrmDbContext db, CounterpartyAccess recordAccess, Crm.Modules.Documents.RecordFolders folders, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Decisions = ["accepted", "rejected"];
    public static readonly IReadOnlyList<string> AnswerChannels = ["letter", "email", "phone", "in-person"];

    public async Task<ComplaintClassification> ClassifyAsync(Guid id, string? group, int? days, string by, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        var settings = await ComplaintSettingsService.LoadAsync(db, cancellationToken);
        if (!string.IsNullOrWhiteSpace(group) && group.Trim() != complaint.HandlingGroup)
        {
            complaint.HandlingGroup = group.Trim();
            if (complaint.FolderId is { } folder)
            {
                // The complaint's files follow it to the group that now handles it.
                await folders.SetGrantsAsync(folder, RegisterComplaint.FolderGrants(complaint, settings), cancellationToken);
            }
        }

        complaint.Deadline = days is > 0 ? complaint.ReceivedOn.AddDays(days.Value) : ComplaintDeadlines.DeadlineOf(complaint.ReceivedOn, complaint.Kind, settings);
        Record(complaint, "classified", $"{complaint.Kind.ToString().ToLowerInvariant()} → {complaint.HandlingGroup}, deadline {complaint.Deadline:yyyy-MM-dd}", by);
        return new ComplaintClassification(complaint.HandlingGroup, complaint.Deadline, ComplaintDeadlines.EndOf(complaint.Deadline),
            ComplaintDeadlines.WarningOf(complaint.Deadline, settings));
    }

    public async Task AnalysedAsync(Guid id, string? findings, bool needsExpertise, string by, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        var text = string.IsNullOrWhiteSpace(findings) ? "analysed" : findings.Trim();
        Record(complaint, "analysed", needsExpertise ? text + " (expertise requested)" : text, by);
    }

    /// <summary>Records the decision; true when it needs a second person's approval (accepted, claim plus costs above the threshold).</summary>
    public async Task<bool> DecideAsync(Guid id, string? decision, string? justification, string decidedBy, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        if (decision is null || !Decisions.Contains(decision))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["decision"] = [$"Choose one of: {string.Join(", ", Decisions)}."] });
        }

        if (string.IsNullOrWhiteSpace(justification))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["justification"] = ["Give the justification the customer will read."] });
        }

        complaint.Decision = decision == "accepted" ? ComplaintDecision.Accepted : ComplaintDecision.Rejected;
        complaint.Justification = justification.Trim()[..Math.Min(justification.Trim().Length, 4000)];
        (complaint.DecidedBy, complaint.DecidedAt, complaint.ApprovedBy, complaint.Status) = (decidedBy, clock.GetUtcNow(), null, ComplaintStatus.Decided);
        var settings = await ComplaintSettingsService.LoadAsync(db, cancellationToken);
        var costs = await db.ComplaintCosts.Where(k => k.ComplaintId == id).Select(k => new { k.Amount, k.Currency }).ToListAsync(cancellationToken);
        // The threshold is in PLN and no exchange rates are kept: money in another currency always takes a second look.
        var foreign = (complaint.Currency != "PLN" && complaint.ClaimedAmount > 0) || costs.Any(k => k.Currency != "PLN");
        var exposure = (complaint.Currency == "PLN" ? complaint.ClaimedAmount : 0) + costs.Where(k => k.Currency == "PLN").Sum(k => k.Amount);
        var needsApproval = complaint.Decision == ComplaintDecision.Accepted && (foreign || exposure > settings.FourEyesThreshold);
        Record(complaint, "decided", $"{decision}: {complaint.Justification}" + (needsApproval ? $" (above {settings.FourEyesThreshold:0.##} PLN: needs approval)" : ""), decidedBy);
        return needsApproval;
    }

    /// <summary>The second person approves, or returns the decision to the handler (it is undone).</summary>
    public async Task ApproveAsync(Guid id, bool approved, string? comment, string approvedBy, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        if (complaint.DecidedBy == approvedBy)
        {
            throw new ForbiddenException("Four eyes: you made this decision, so someone else approves it.");
        }

        if (approved)
        {
            complaint.ApprovedBy = approvedBy;
            Record(complaint, "approved", string.IsNullOrWhiteSpace(comment) ? "approved" : $"approved: {comment.Trim()}", approvedBy);
            return;
        }

        (complaint.Decision, complaint.Status, complaint.ApprovedBy) = (ComplaintDecision.None, ComplaintStatus.Open, null);
        Record(complaint, "returned", string.IsNullOrWhiteSpace(comment) ? "decision returned" : $"decision returned: {comment.Trim()}", approvedBy);
    }

    public async Task AnswerAsync(Guid id, string? channel, string? text, string by, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        if (channel is null || !AnswerChannels.Contains(channel))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["answerChannel"] = [$"Choose one of: {string.Join(", ", AnswerChannels)}."] });
        }

        (complaint.AnswerChannel, complaint.AnsweredAt, complaint.Status) = (channel, clock.GetUtcNow(), ComplaintStatus.Answered);
        Record(complaint, "answered", string.IsNullOrWhiteSpace(text) ? channel : $"{channel}: {text.Trim()}", by);
    }

    /// <summary>The statutory deadline passed without an answer: the complaint counts as accepted and must be resolved.</summary>
    public async Task AcceptByDefaultAsync(Guid id, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        complaint.Decision = ComplaintDecision.AcceptedByDefault;
        complaint.Justification = $"No answer by the deadline {complaint.Deadline:yyyy-MM-dd}: accepted by law.";
        (complaint.DecidedBy, complaint.DecidedAt, complaint.Status) = ("complaint-handling", clock.GetUtcNow(), ComplaintStatus.Decided);
        Record(complaint, "accepted-by-default", complaint.Justification, "complaint-handling");
    }

    public async Task ResolveAsync(Guid id, string? resolution, string by, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        if (string.IsNullOrWhiteSpace(resolution))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["resolution"] = ["Say how the complaint was resolved."] });
        }

        complaint.Resolution = resolution.Trim()[..Math.Min(resolution.Trim().Length, 4000)];
        if (complaint.Status == ComplaintStatus.Decided)
        {
            complaint.Status = ComplaintStatus.Answered;   // accepted by default: the resolution is the answer
        }

        Record(complaint, "resolved", complaint.Resolution, by);
    }

    public async Task CloseAsync(Guid id, string by, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        (complaint.Status, complaint.ClosedAt) = (ComplaintStatus.Closed, clock.GetUtcNow());
        Record(complaint, "closed", complaint.Decision.ToString().ToLowerInvariant(), by);
    }

    /// <summary>The lead of the complaint's handling group (who is warned before the deadline), when the group has one.</summary>
    public async Task<(string Number, string? Lead)> WarnAsync(Guid id, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(id, cancellationToken);
        var lead = await Crm.Platform.Identity.GroupLeads.OfAsync(db, complaint.HandlingGroup, cancellationToken);
        Record(complaint, "warned", $"deadline {complaint.Deadline:yyyy-MM-dd} is near" + (lead is null ? "; the group has no lead" : $"; {lead} warned"), "complaint-handling");
        return (complaint.Number, lead);
    }

    /// <summary>An expertise arrived (the process waiting for it goes on): recorded in the history.</summary>
    public async Task<Complaint> ExpertiseAsync(Guid id, string? summary, CurrentUser user, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintAccess.Visible(db, recordAccess, user).SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Complaint {id} does not exist.");
        if (!ComplaintAccess.MayEdit(recordAccess, complaint, user))
        {
            throw new ForbiddenException("Only the complaint's owner, its handling group and process owners record an expertise.");
        }

        Record(complaint, "expertise", string.IsNullOrWhiteSpace(summary) ? "expertise received" : $"expertise received: {summary.Trim()}", user.UserName);
        return complaint;
    }

    /// <summary>The tracked complaint; at registration its first steps run before the commit, so the one being added is found too.</summary>
    private async Task<Complaint> LoadAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Complaints.FindAsync([id], cancellationToken) ?? throw new NotFoundException($"Complaint {id} does not exist.");

    private DateTimeOffset _lastAt;

    private void Record(Complaint complaint, string kind, string text, string by)
    {
        complaint.Revision++;
        db.ComplaintEvents.Add(new ComplaintEvent { ComplaintId = complaint.Id, At = NextAt(), Kind = kind, Text = text.Length <= 2000 ? text : text[..1999] + "…", By = by });
    }

    /// <summary>Steps of one commit (resolved, then closed) keep their order in the history: each at least a millisecond after the one before.</summary>
    private DateTimeOffset NextAt()
    {
        var now = clock.GetUtcNow();
        // A millisecond apart: SQLite keeps these times to 0.1 ms (DateTimeOffsetToBinaryConverter).
        _lastAt = now >= _lastAt.AddMilliseconds(1) ? now : _lastAt.AddMilliseconds(1);
        return _lastAt;
    }
}
