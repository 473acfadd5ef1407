using Crm.Modules.Complaints;
using Crm.Workflow.Common;
using Crm.Workflow.Messages;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>The starter of <c>complaint-handling</c> (the .bpmn beside it) and the expertise message that wakes it.</summary>
public sealed class ComplaintProcess(ProcessEngine engine, ComplaintSteps steps, MessageService messages) : IComplaintProcess
{
    public const string Key = "complaint-handling";

    /// <summary>The message a waiting "awaitExpertise" step takes, correlated by the complaint id.</summary>
    public const string ExpertiseMessage = ComplaintBook.ExpertiseMessage;

    public const string AnalyseTaskId = "analyse", DecideTaskId = "decide", ApproveTaskId = "approve", AnswerTaskId = "answer", ResolveTaskId = "resolve";

    public async Task<Guid> StartAsync(EngineUnit unit, Complaint complaint, ComplaintSettings settings, string startedBy, CancellationToken cancellationToken)
    {
        var variables = new ComplaintVariables(complaint.Id, complaint.Number, complaint.Kind == ComplaintKind.Consumer ? "consumer" : "business", complaint.Owner,
            complaint.HandlingGroup, settings.ApproverGroup, complaint.Subject, complaint.CounterpartyId).ToVariables();
        var instance = await unit.StartLatestAsync(Key, variables, complaint.Number, startedBy, cancellationToken);
        return instance.Id;
    }

    public Task ExpertiseReceivedAsync(Guid complaintId, string? summary, CurrentUser user, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async _ =>
        {
            // The history row and the process's step commit together (the message joins this unit).
            await steps.ExpertiseAsync(complaintId, summary, user, cancellationToken);
            try
            {
                await messages.CorrelateAsync(new MessageRequest(ExpertiseMessage, null, complaintId.ToString(), null, null), false, user, cancellationToken, byOwningUseCase: true);
            }
            catch (NotFoundException)
            {
                throw new ConflictException("This complaint does not wait for an expertise (its analysis did not ask for one, or the wait is over).");
            }
        }, cancellationToken);
}
