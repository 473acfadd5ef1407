using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>What a survey link carries: the survey and the person asked.</summary>
public sealed record SurveyLinkTicket(Guid SurveyId, Guid PersonId);

/// <summary>
/// Signed links to answer a survey without signing in: the survey id and the person id, protected (encrypted and
/// authenticated) with the data-protection key ring under the purpose "survey-link", valid for <see cref="Lifetime"/>.
/// A changed or expired token reads as nothing.
/// </summary>
public sealed class SurveyLinks(IDataProtectionProvider protection)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("survey-link").ToTimeLimitedDataProtector();

    public string Token(Guid surveyId, Guid personId) => Protector.Protect($"{surveyId:N}.{personId:N}", Lifetime);

    public SurveyLinkTicket? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000)
        {
            return null;
        }

        try
        {
            var parts = Protector.Unprotect(token).Split('.');
            return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var survey) && Guid.TryParseExact(parts[1], "N", out var person)
                ? new SurveyLinkTicket(survey, person) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
