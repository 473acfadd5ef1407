namespace Crm.Workflow.Runtime;

/// <summary>
/// Thrown by a service-task handler to raise a business error (a BPMN error with a code) that an error
/// boundary event in the model catches, instead of a technical failure that is retried.
/// </summary>
public sealed class BpmnErrorException(string errorCode, string? message = null) : Exception(message ?? $"BPMN error '{errorCode}'")
{
    public string ErrorCode { get; } = errorCode;
}
