using Crm.Workflow.Runtime;

namespace Crm.Modules.Knowledge;

/// <summary>
/// What the knowledge module needs of its two processes. The module owns these contracts; the processes
/// (workflows/ArticlePublication and workflows/MandatoryReading: .bpmn, handlers, starter) implement them,
/// so the module never names a process variable itself.
/// </summary>
public interface IArticlePublicationProcess
{
    /// <summary>Starts the review of a submitted version in the running engine command; returns the instance id.</summary>
    Task<Guid> StartAsync(EngineUnit unit, Guid articleId, ArticleVersion version, string author, CancellationToken cancellationToken);
}

/// <inheritdoc cref="IArticlePublicationProcess"/>
public interface IMandatoryReadingProcess
{
    /// <summary>Starts the reading of an assignment by <paramref name="readers"/> in the running engine command; returns the instance id.</summary>
    Task<Guid> StartAsync(EngineUnit unit, ReadingAssignment assignment, IReadOnlyList<string> readers, CancellationToken cancellationToken);
}
