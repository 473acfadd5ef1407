using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Crm.Platform.Identity;

/// <summary>
/// A user signed in with a generated or reset password reaches no page but the password form until they chose
/// their own, and no API but changing it (<c>POST /api/users/me/password</c>), reading who they are and signing in or
/// out: a password printed in a log or handed over by an admin must not keep working through scripts either.
/// The sign-out and the framework's own files stay reachable.
/// </summary>
public static class PasswordChangeGate
{
    public const string PasswordPage = "/account/password";

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (context.User.HasClaim(CrmClaimTypes.MustChangePassword, "true") && IdentitySetup.IsApiRequest(context.Request)
            && !path.StartsWithSegments("/api/users/me", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/api/auth", StringComparison.OrdinalIgnoreCase))
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Change your password first",
                detail: "This account signed in with a generated or reset password: choose your own (POST /api/users/me/password), then sign in again.")
                .ExecuteAsync(context);
            return;
        }

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
