using Crm.Modules.Knowledge;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.MandatoryReading;

/// <summary>The starter of <c>kb-mandatory-reading</c> (the .bpmn beside it): one reading task per reader, reminder, deadline escalation.</summary>
public sealed class MandatoryReadingProcess : IMandatoryReadingProcess
{
    public const string Key = ReadingService.ReadingProcess;

    /// <summary>Each reader's user task (completed by confirming the article, never from the inbox).</summary>
    public const string ReadTaskId = "read";

    public async Task<Guid> StartAsync(EngineUnit unit, ReadingAssignment assignment, IReadOnlyList<string> readers, CancellationToken cancellationToken)
    {
        var variables = new ReadingVariables(assignment.Id, assignment.ArticleId, assignment.ArticleTitle, assignment.Version, readers, assignment.DueAt, assignment.RemindAt);
        var instance = await unit.StartLatestAsync(Key, variables.ToVariables(), $"READ-{assignment.Id.ToString()[..8]}", assignment.CreatedBy, cancellationToken);
        return instance.Id;
    }
}
