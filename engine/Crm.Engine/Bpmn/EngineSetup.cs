using Crm.Engine.Bpmn.Expressions;
using Crm.Engine.Bpmn.Runtime;
using Crm.Engine.Processes;
using Crm.Engine.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Engine.Bpmn;

public static class EngineSetup
{
    /// <summary>The BPMN engine: parser cache, expressions, handler catalogue, runtime and task services.</summary>
    public static IServiceCollection AddCrmEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ExpressionEngine>();
        services.TryAddSingleton(sp => new HandlerCatalog(sp.GetServices<HandlerDescriptor>()));
        services.TryAddSingleton<ProcessModelCache>();
        services.TryAddScoped<DefinitionService>();
        services.TryAddScoped<RuntimeService>();
        services.TryAddScoped<TaskService>();
        services.AddServiceTaskHandler<SetVariablesHandler>();
        return services;
    }
}
