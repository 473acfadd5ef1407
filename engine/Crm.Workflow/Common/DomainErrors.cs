namespace Crm.Workflow.Common;

/// <summary>Base of the errors a caller can fix; the host maps each kind to an RFC 7807 problem.</summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>Input breaks a rule; <see cref="Errors"/> maps field names to messages (400).</summary>
public sealed class ValidationFailedException(IDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The request clashes with the current state, e.g. a duplicate name (409).</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>The thing does not exist or the caller may not know it exists (404).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The caller may see the thing but not do this to it (403).</summary>
public sealed class ForbiddenException(string message) : DomainException(message);
