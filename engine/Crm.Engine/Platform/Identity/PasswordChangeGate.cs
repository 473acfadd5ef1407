using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Crm.Platform.Identity;

/// <summary>
/// A user signed in with a generated or reset password reaches no page but the password form until they chose
/// their own. APIs, the sign-out and the framework's own files stay reachable.
/// </summary>
public static class PasswordChangeGate
{
    public const string PasswordPage = "/account/password";

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (context.User.HasClaim(CrmClaimTypes.MustChangePassword, "true")
            && HttpMethods.IsGet(context.Request.Method)
            && !path.StartsWithSegments(PasswordPage, StringComparison.OrdinalIgnoreCase)
            && !IdentitySetup.IsApiRequest(context.Request)
            && !path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/_content", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            && !Path.HasExtension(path.Value))
        {
            context.Response.Redirect(PasswordPage);
            return;
        }

        await next();
    });
}
