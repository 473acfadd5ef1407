using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Workflow.Common;

/// <summary>Something that happened, raised inside the transaction that caused it.</summary>
public interface IDomainEvent;

/// <summary>
/// Reacts to an event inside the same unit of work: what it adds to the scoped DbContext commits (or rolls
/// back) with the change that raised the event. Effects outside the database go through the outbox.
/// </summary>
public interface IDomainEventSubscriber<in TEvent> where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent domainEvent, CancellationToken cancellationToken);
}

/// <summary>
/// Hands an event to every subscriber registered for its type, in registration order, in the caller's scope.
/// The publisher knows no subscriber: modules register theirs with <see cref="DomainEventRegistration.AddDomainEventSubscriber{TEvent, THandler}"/>.
/// </summary>
public sealed class DomainEvents(IServiceProvider services)
{
    public async Task PublishAsync<TEvent>(TEvent domainEvent, CancellationToken cancellationToken) where TEvent : IDomainEvent
    {
        foreach (var handler in services.GetServices<IDomainEventSubscriber<TEvent>>())
        {
            await handler.HandleAsync(domainEvent, cancellationToken);
        }
    }

    /// <summary>Publishes events collected while code that cannot await ran (a process step), in the order raised.</summary>
    public async Task PublishAllAsync(IReadOnlyList<IDomainEvent> raised, CancellationToken cancellationToken)
    {
        foreach (var domainEvent in raised)
        {
            var handlerType = typeof(IDomainEventSubscriber<>).MakeGenericType(domainEvent.GetType());
            foreach (var handler in services.GetServices(handlerType))
            {
                await ((Task)handlerType.GetMethod(nameof(IDomainEventSubscriber<IDomainEvent>.HandleAsync))!.Invoke(handler, [domainEvent, cancellationToken])!);
            }
        }
    }
}

public static class DomainEventRegistration
{
    public static IServiceCollection AddDomainEventSubscriber<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IDomainEvent
        where THandler : class, IDomainEventSubscriber<TEvent>
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IDomainEventSubscriber<TEvent>, THandler>());   // registering a module twice subscribes once
        return services;
    }
}
