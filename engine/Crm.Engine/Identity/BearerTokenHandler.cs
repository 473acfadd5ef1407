using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Engine.Identity;

/// <summary>Authenticates <c>Authorization: Bearer crm_…</c> against the token table; claims are read fresh per request.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens,
    UserDirectory directory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var userId = await tokens.ResolveAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (userId is null)
        {
            return AuthenticateResult.Fail("The token is unknown, expired or revoked.");
        }

        var principal = await directory.CreatePrincipalAsync(userId.Value, SchemeName, Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("The token's user is disabled.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
