#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower()/LIKE: .NET culture rules do not apply
using Crm.Modules.Counterparties;
using Crm.Modules.Marketing.Campaigns;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Surveys;

public sealed record SurveyRequest(Guid? TemplateId, string? Title, Guid? CampaignId);

public sealed record SurveyListItem(Guid Id, string Title, Guid TemplateId, string TemplateName, Guid? CampaignId, bool Closed, DateTimeOffset CreatedAt, int Responses);

public sealed record SurveyView(Guid Id, string Title, Guid? CampaignId, bool Closed, string CreatedBy, DateTimeOffset CreatedAt, TemplateView Template);

public sealed record SurveyResponseItem(Guid Id, Guid? CounterpartyId, string? CounterpartyName, Guid? PersonId, string? PersonName, string Channel, string AnsweredBy,
    DateTimeOffset AnsweredAt);

/// <summary>A respondent staff may pick: a person (with their company) or a company alone.</summary>
public sealed record Respondent(Guid? CounterpartyId, string? CounterpartyName, Guid? PersonId, string? PersonName);

/// <summary>Survey runs: a template asked of people (optionally within a campaign), open or closed, and their responses.</summary>
public sealed class SurveyRuns(CrmDbContext db, SurveyRights rights, SurveyTemplates templates, CounterpartyAccess recordAccess, TimeProvider clock)
{
    /// <summary>Every survey with the count of responses the caller may see.</summary>
    public async Task<IReadOnlyList<SurveyListItem>> ListAsync(Guid? campaignId, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        var surveys = await (from s in db.Surveys.AsNoTracking()
                             join t in db.SurveyTemplates.AsNoTracking() on s.TemplateId equals t.Id
                             where campaignId == null || s.CampaignId == campaignId
                             orderby s.CreatedAt descending
                             select new { s, t.Name }).ToListAsync(ct);
        var items = new List<SurveyListItem>(surveys.Count);
        foreach (var row in surveys)
        {
            var responses = await rights.VisibleResponses(row.s.Id, user).CountAsync(ct);
            items.Add(new SurveyListItem(row.s.Id, row.s.Title, row.s.TemplateId, row.Name, row.s.CampaignId, row.s.Closed, row.s.CreatedAt, responses));
        }

        return items;
    }

    public async Task<SurveyView> GetAsync(Guid id, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        return await ViewAsync(id, ct);
    }

    public async Task<SurveyView> CreateAsync(SurveyRequest request, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Create);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200)
        {
            errors["title"] = ["Give the survey a title (at most 200 characters)."];
        }

        if (request.TemplateId is not { } templateId || !await db.SurveyTemplates.AnyAsync(t => t.Id == templateId, ct))
        {
            errors["templateId"] = ["Choose the template."];
        }

        // The campaign id comes from the client: only a campaign the caller sees may own the survey.
        if (request.CampaignId is { } campaignId && !await CampaignAccess.Visible(db, recordAccess, user).AnyAsync(c => c.Id == campaignId, ct))
        {
            errors["campaignId"] = ["Choose a campaign you can see, or none."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var survey = new Survey { TemplateId = request.TemplateId!.Value, Title = title, CampaignId = request.CampaignId, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        db.Surveys.Add(survey);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(survey.Id, ct);
    }

    /// <summary>A closed survey takes no more answers, by staff or by link.</summary>
    public async Task SetClosedAsync(Guid id, bool closed, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Edit);
        var survey = await db.Surveys.SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException($"Survey {id} does not exist.");
        survey.Closed = closed;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The responses the caller may see (with their company or person), newest first.</summary>
    public async Task<IReadOnlyList<SurveyResponseItem>> ResponsesAsync(Guid id, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        _ = await db.Surveys.AsNoTracking().AnyAsync(s => s.Id == id, ct) ? 0 : throw new NotFoundException($"Survey {id} does not exist.");
        return await (from r in rights.VisibleResponses(id, user).AsNoTracking()
                      join c in db.Counterparties.AsNoTracking() on r.CounterpartyId equals c.Id into cs
                      from c in cs.DefaultIfEmpty()
                      join p in db.Persons.AsNoTracking() on r.PersonId equals p.Id into ps
                      from p in ps.DefaultIfEmpty()
                      orderby r.AnsweredAt descending
                      select new SurveyResponseItem(r.Id, r.CounterpartyId, c == null ? null : c.Name, r.PersonId, p == null ? null : p.FirstName + " " + p.LastName,
                          r.Channel, r.AnsweredBy, r.AnsweredAt)).Take(1000).ToListAsync(ct);
    }

    /// <summary>One response's answers by question id (multiple choice: several values), if the caller may see it.</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<string>>> AnswersAsync(Guid id, Guid responseId, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        if (!await rights.VisibleResponses(id, user).AnyAsync(r => r.Id == responseId, ct))
        {
            throw new NotFoundException($"Response {responseId} does not exist.");
        }

        var answers = await db.SurveyAnswers.AsNoTracking().Where(a => a.ResponseId == responseId).ToListAsync(ct);
        return answers.GroupBy(a => a.QuestionId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(a => a.Value)]);
    }

    /// <summary>Persons (with their company) and companies the caller sees whose name starts with or contains the text.</summary>
    public async Task<IReadOnlyList<Respondent>> FindRespondentsAsync(string? search, CurrentUser user, CancellationToken ct)
    {
        rights.Require(user, AccessRights.Read);
        var text = search?.Trim() ?? "";
        if (text.Length < 2)
        {
            return [];
        }

        var lower = text.ToLowerInvariant().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        var pattern = "%" + lower + "%";
        var persons = await (from p in rights.VisiblePersons(user).AsNoTracking()
                             join c in db.Counterparties.AsNoTracking() on p.CounterpartyId equals c.Id into cs
                             from c in cs.DefaultIfEmpty()
                             where EF.Functions.Like((p.FirstName + " " + p.LastName).ToLower(), pattern)
                             orderby p.LastName
                             select new Respondent(p.CounterpartyId, c == null ? null : c.Name, p.Id, p.FirstName + " " + p.LastName)).Take(15).ToListAsync(ct);
        var companies = await rights.VisibleCounterparties(user).AsNoTracking().Where(c => EF.Functions.Like(c.SearchName, pattern)).OrderBy(c => c.SearchName)
            .Select(c => new Respondent(c.Id, c.Name, null, null)).Take(15).ToListAsync(ct);
        return [.. persons, .. companies];
    }

    internal async Task<SurveyView> ViewAsync(Guid id, CancellationToken ct)
    {
        var survey = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException($"Survey {id} does not exist.");
        return new SurveyView(survey.Id, survey.Title, survey.CampaignId, survey.Closed, survey.CreatedBy, survey.CreatedAt, await templates.FormAsync(survey.TemplateId, ct));
    }
}
