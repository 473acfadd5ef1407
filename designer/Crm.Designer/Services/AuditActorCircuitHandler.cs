using Crm.Platform.Audit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Crm.Designer.Services;

/// <summary>
/// Every UI action (an event, a navigation) runs with the signed-in person as the audit actor, so the audit rows its
/// changes produce (permissions, roles, memberships, record edits) name them, as the API's requests do.
/// </summary>
internal sealed class AuditActorCircuitHandler(AuthenticationStateProvider authentication) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            string? name = null;
            try
            {
                var user = (await authentication.GetAuthenticationStateAsync()).User;
                name = user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;
            }
            catch (InvalidOperationException)
            {
                // no authentication state yet (the circuit is starting)
            }

            using (AuditActor.Begin(name))
            {
                await next(context);
            }
        };
}
