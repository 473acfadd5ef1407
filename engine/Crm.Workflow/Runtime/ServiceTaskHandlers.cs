using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Workflow.Runtime;

/// <summary>
/// A service-task handler: C# code a process calls through <c>crm:handler="type"</c>. It runs inside the
/// engine's unit of work, so changes it makes through the scoped <c>WorkflowDbContext</c> commit together with
/// the process step.
/// </summary>
public interface IServiceTaskHandler
{
    /// <summary>Returns variables to set in the process (or null for none).</summary>
    Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken);
}

/// <summary>Metadata the designer's palette and the deploy validation read.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ServiceTaskHandlerAttribute(string type) : Attribute
{
    public string Type { get; } = type;
    public string? DisplayName { get; init; }
    public string? Category { get; init; }
    public string? Description { get; init; }
}

public sealed record ServiceTaskContext(
    Guid InstanceId,
    string ProcessKey,
    string? BusinessKey,
    string ElementId,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyDictionary<string, JsonNode?> Inputs,
    string? UserName)
{
    /// <summary>
    /// The same for every attempt of this step from the same committed state: a handler with effects outside
    /// the database (mail, HTTP) uses it so a retry after a crash does not repeat them.
    /// </summary>
    public string IdempotencyKey { get; init; } = "";

    /// <summary>The job executor running the step, or null inside a user's request.</summary>
    public string? ExecutedBy { get; init; }
}

/// <summary>A handler failed in a way the process owner should see (bad input, business rule).</summary>
public sealed class ServiceTaskFailedException(string message) : Exception(message);

/// <summary>An input a handler reads (<c>crm:input name="..."</c>); the designer offers one field per input.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class HandlerInputAttribute(string name, string type = "string") : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public bool Required { get; init; }
    public string? Description { get; init; }
}

public sealed record HandlerInput(string Name, string Type, bool Required, string? Description);

/// <summary>A process variable a handler sets (what its result dictionary holds); the designer lists them.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class HandlerOutputAttribute(string name, string type = "string") : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string? Description { get; init; }
}

public sealed record HandlerOutput(string Name, string Type, string? Description);

public sealed record HandlerDescriptor(string Type, string DisplayName, string? Category, string? Description, Type ClrType)
{
    public IReadOnlyList<HandlerInput> Inputs { get; init; } = [];

    public IReadOnlyList<HandlerOutput> Outputs { get; init; } = [];

    /// <summary>The process variables the handler reads (its typed variables record), e.g. documentId.</summary>
    public IReadOnlyList<string> Reads { get; init; } = [];
}

/// <summary>
/// A process's variables as one typed record: what its starter writes and its handlers read. Implemented by
/// each built-in process (workflows/&lt;process&gt;/XxxVariables); <see cref="Names"/> feeds the designer.
/// </summary>
public interface IProcessVariables<TSelf> where TSelf : IProcessVariables<TSelf>
{
    /// <summary>Reads the record from an instance's variables; a missing or malformed one is a <see cref="ServiceTaskFailedException"/>.</summary>
    static abstract TSelf Read(IReadOnlyDictionary<string, JsonNode?> variables);

    /// <summary>The variable names the record reads.</summary>
    static abstract IReadOnlyList<string> Names { get; }
}

/// <summary>
/// A handler with typed inputs: it receives its process's variables as a record (read once, checked) instead
/// of looking names up in a dictionary. Declared reads, inputs and outputs reach the designer and deploy checks.
/// </summary>
public abstract class ServiceTaskHandler<TVariables> : IServiceTaskHandler where TVariables : IProcessVariables<TVariables>
{
    public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
        ExecuteAsync(TVariables.Read(context.Variables), context, cancellationToken);

    protected abstract Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TVariables variables, ServiceTaskContext context, CancellationToken cancellationToken);
}

/// <summary>The handler types the engine knows; deploy validation rejects any other.</summary>
public sealed class HandlerCatalog(IEnumerable<HandlerDescriptor> handlers)
{
    private readonly Dictionary<string, HandlerDescriptor> _byType = handlers.ToDictionary(h => h.Type, StringComparer.Ordinal);

    public IReadOnlyCollection<HandlerDescriptor> All => _byType.Values;

    public bool IsKnown(string type) => _byType.ContainsKey(type);

    public HandlerDescriptor? Find(string type) => _byType.GetValueOrDefault(type);

    public IServiceTaskHandler Resolve(IServiceProvider services, string type) =>
        (IServiceTaskHandler)services.GetRequiredService(_byType[type].ClrType);

    /// <summary>Deploy check: every service task maps each input its handler declares as required.</summary>
    public IReadOnlyList<Model.BpmnError> CheckInputs(Model.ProcessModel model) =>
        [.. model.Nodes.Values
            .Where(n => n.ServiceTask is { } spec && _byType.ContainsKey(spec.HandlerType))
            .SelectMany(n => _byType[n.ServiceTask!.HandlerType].Inputs
                .Where(i => i.Required && !n.Inputs.Any(m => m.Name == i.Name))
                .Select(i => new Model.BpmnError(n.Id, $"The handler '{n.ServiceTask!.HandlerType}' needs the input '{i.Name}'{(i.Description is null ? "" : ": " + i.Description)}.")))];
}

public static class ServiceTaskHandlerRegistration
{
    /// <summary>The variable names of the typed variables record a <see cref="ServiceTaskHandler{TVariables}"/> reads.</summary>
    private static IReadOnlyList<string> ReadsOf(Type handler)
    {
        for (var type = handler.BaseType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ServiceTaskHandler<>))
            {
                var names = type.GetGenericArguments()[0].GetProperty("Names", BindingFlags.Public | BindingFlags.Static);
                return names?.GetValue(null) as IReadOnlyList<string> ?? [];
            }
        }

        return [];
    }

    public static IServiceCollection AddServiceTaskHandler<THandler>(this IServiceCollection services)
        where THandler : class, IServiceTaskHandler
    {
        var meta = typeof(THandler).GetCustomAttribute<ServiceTaskHandlerAttribute>()
            ?? throw new InvalidOperationException($"{typeof(THandler).Name} needs [ServiceTaskHandler(\"type\")].");
        services.AddScoped<THandler>();
        var inputs = typeof(THandler).GetCustomAttributes<HandlerInputAttribute>().Select(i => new HandlerInput(i.Name, i.Type, i.Required, i.Description)).ToList();
        var outputs = typeof(THandler).GetCustomAttributes<HandlerOutputAttribute>().Select(o => new HandlerOutput(o.Name, o.Type, o.Description)).ToList();
        services.AddSingleton(new HandlerDescriptor(meta.Type, meta.DisplayName ?? meta.Type, meta.Category, meta.Description, typeof(THandler))
        {
            Inputs = inputs,
            Outputs = outputs,
            Reads = ReadsOf(typeof(THandler)),
        });
        return services;
    }
}

/// <summary>Sets process variables from its input mappings: the glue step between two systems' names.</summary>
[ServiceTaskHandler("crm.set-variables", DisplayName = "Set variables", Category = "Data",
    Description = "Copies every input mapping of the task into a process variable of the same name.")]
public sealed class SetVariablesHandler : IServiceTaskHandler
{
    public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, JsonNode?>?>(context.Inputs.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()));
}
