using Crm.Platform.Access;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Marketing.Surveys;

public sealed record StaffAnswerRequest(Guid? CounterpartyId, Guid? PersonId, IReadOnlyList<SurveyAnswerInput>? Answers);

public sealed record LinkAnswerRequest(IReadOnlyList<SurveyAnswerInput>? Answers);

public sealed record AnswerResult(Guid ResponseId, bool Replaced);

public sealed record SurveyLinkRequest(Guid? PersonId);

public sealed record SurveyLinkView(string Url, DateTimeOffset ValidUntil);

/// <summary>The survey as the person behind a link sees it: no CRM data beyond their own first name.</summary>
public sealed record LinkForm(string Title, bool Closed, string? FirstName, IReadOnlyList<FormQuestion> Questions, IReadOnlyDictionary<Guid, IReadOnlyList<string>> Previous);

/// <summary>
/// Entering answers: by staff on behalf of a person or company (e.g. from a call task), or by the person through a
/// signed link without signing in. One response per person per survey (per company when no person is named):
/// answering again replaces the earlier answers. A closed survey takes no answers.
/// </summary>
public sealed class SurveyAnswering(CrmDbContext db, SurveyRights rights, SurveyRuns runs, SurveyLinks links, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public async Task<AnswerResult> AnswerAsStaffAsync(Guid surveyId, StaffAnswerRequest request, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Create);
        var survey = await runs.ViewAsync(surveyId, ct);
        Guid? companyId = request.CounterpartyId;
        if (request.PersonId is { } personId)
        {
            var person = await rights.VisiblePersons(user).AsNoTracking().Where(p => p.Id == personId).Select(p => new { p.CounterpartyId }).SingleOrDefaultAsync(ct)
                ?? throw new NotFoundException($"Person {personId} does not exist.");
            if (companyId is not null && companyId != person.CounterpartyId)
            {
                throw ValidationFailedException.For("personId", "The person does not belong to this counterparty.");
            }

            companyId = person.CounterpartyId;
        }
        else if (companyId is { } company)
        {
            _ = await rights.VisibleCounterparties(user).AnyAsync(c => c.Id == company, ct) ? 0 : throw new NotFoundException($"Counterparty {company} does not exist.");
        }
        else
        {
            throw ValidationFailedException.For("respondent", "Choose the person or company who answers.");
        }

        return await SaveAsync(survey, companyId, request.PersonId, "staff", user.UserName, request.Answers ?? [], ct);
    }

    /// <summary>The form behind a link, with the person's earlier answers; null when the token is not genuine or the survey gone.</summary>
    public async Task<LinkForm?> FormAsync(string? token, CancellationToken ct)
    {
        if (links.Read(token) is not { } ticket || await db.Surveys.AsNoTracking().AnyAsync(s => s.Id == ticket.SurveyId, ct) is false)
        {
            return null;
        }

        var survey = await runs.ViewAsync(ticket.SurveyId, ct);
        var firstName = await db.Persons.AsNoTracking().Where(p => p.Id == ticket.PersonId).Select(p => p.FirstName).SingleOrDefaultAsync(ct);
        if (firstName is null)
        {
            return null;
        }

        var previous = await (from a in db.SurveyAnswers.AsNoTracking()
                              join r in db.SurveyResponses.AsNoTracking() on a.ResponseId equals r.Id
                              where r.SurveyId == ticket.SurveyId && r.PersonId == ticket.PersonId
                              select a).ToListAsync(ct);
        return new LinkForm(survey.Title, survey.Closed, firstName, survey.Template.Questions,
            previous.GroupBy(a => a.QuestionId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(a => a.Value)]));
    }

    /// <summary>Answers through a link; a token that is not genuine (or a person erased meanwhile) is a 404.</summary>
    public async Task<AnswerResult> AnswerByLinkAsync(string? token, LinkAnswerRequest request, CancellationToken ct)
    {
        var ticket = links.Read(token) ?? throw new NotFoundException("This survey link is not valid.");
        var company = await db.Persons.AsNoTracking().Where(p => p.Id == ticket.PersonId).Select(p => new { p.CounterpartyId }).SingleOrDefaultAsync(ct)
            ?? throw new NotFoundException("This survey link is not valid.");
        var survey = await db.Surveys.AsNoTracking().AnyAsync(s => s.Id == ticket.SurveyId, ct)
            ? await runs.ViewAsync(ticket.SurveyId, ct) : throw new NotFoundException("This survey link is not valid.");
        return await SaveAsync(survey, company.CounterpartyId, ticket.PersonId, "link", "link", request.Answers ?? [], ct);
    }

    /// <summary>A link for one person the caller sees (404 otherwise), to send by mail or read out.</summary>
    public async Task<SurveyLinkView> IssueLinkAsync(Guid surveyId, SurveyLinkRequest request, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Create);
        var survey = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Id == surveyId, ct) ?? throw new NotFoundException($"Survey {surveyId} does not exist.");
        if (request.PersonId is not { } personId)
        {
            throw ValidationFailedException.For("personId", "Choose the person the link is for.");
        }

        _ = await rights.VisiblePersons(user).AnyAsync(p => p.Id == personId, ct) ? 0 : throw new NotFoundException($"Person {personId} does not exist.");
        if (survey.Closed)
        {
            throw new ConflictException("The survey is closed.");
        }

        var baseUrl = options.Value.BaseUrl.TrimEnd('/');
        return new SurveyLinkView($"{baseUrl}/s/{links.Token(surveyId, personId)}", clock.GetUtcNow().Add(SurveyLinks.Lifetime));
    }

    private async Task<AnswerResult> SaveAsync(SurveyView survey, Guid? companyId, Guid? personId, string channel, string by, IReadOnlyList<SurveyAnswerInput> answers,
        CancellationToken ct)
    {
        if (survey.Closed)
        {
            throw new ConflictException("The survey is closed and takes no more answers.");
        }

        var (rows, errors) = SurveyAnswerRules.Check(survey.Template.Questions, answers);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var response = personId is { } person
            ? await db.SurveyResponses.SingleOrDefaultAsync(r => r.SurveyId == survey.Id && r.PersonId == person, ct)
            : await db.SurveyResponses.FirstOrDefaultAsync(r => r.SurveyId == survey.Id && r.PersonId == null && r.CounterpartyId == companyId, ct);
        var replaced = response is not null;
        if (response is null)
        {
            response = new SurveyResponse { SurveyId = survey.Id, PersonId = personId, CounterpartyId = companyId, Channel = channel, AnsweredBy = by };
            db.SurveyResponses.Add(response);
        }
        else
        {
            db.SurveyAnswers.RemoveRange(await db.SurveyAnswers.Where(a => a.ResponseId == response.Id).ToListAsync(ct));
            response.Channel = channel;
            response.AnsweredBy = by;
            response.CounterpartyId = companyId;
        }

        response.AnsweredAt = clock.GetUtcNow();
        foreach (var row in rows)
        {
            row.ResponseId = response.Id;
        }

        db.SurveyAnswers.AddRange(rows);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("This person's answers were saved at the same moment; reload and try again.");
        }

        return new AnswerResult(response.Id, replaced);
    }
}
