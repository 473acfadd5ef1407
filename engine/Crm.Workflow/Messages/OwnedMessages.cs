using Microsoft.Extensions.DependencyInjection;

namespace Crm.Workflow.Messages;

/// <summary>A message a module's process waits for, delivered only by that module's own use case (which checks the caller's rights on the record).</summary>
public sealed record OwnedMessage(string Name, string DeliveredBy);

public static class OwnedMessageRegistration
{
    /// <summary>Keeps <paramref name="name"/> out of the generic message API: only <paramref name="deliveredBy"/> (named in the refusal) delivers it.</summary>
    public static IServiceCollection AddOwnedMessage(this IServiceCollection services, string name, string deliveredBy)
    {
        services.AddSingleton(new OwnedMessage(name, deliveredBy));
        return services;
    }
}
