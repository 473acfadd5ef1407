using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Crm.Platform.Common;

/// <summary>Where a request came from, for registers and audit rows (documents, readings).</summary>
public sealed record AccessContext(string? Ip, string? Client)
{
    public static readonly AccessContext Internal = new(null, "server");

    public static AccessContext From(HttpContext http) =>
        new(http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers[HeaderNames.UserAgent].ToString() is { Length: > 0 } agent ? agent : null);
}
