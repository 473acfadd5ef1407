using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>
/// Who may do what with surveys: the rights on the access object "survey" for the bank, templates and runs; responses
/// are seen with their counterparty or person (the CRM's record rules), so lists, analysis and selection start here.
/// </summary>
public sealed class SurveyRights(CounterpartyAccess recordAccess, CrmDbContext db)
{
    public bool Can(CurrentUser user, AccessRights right) => recordAccess.Can(user, AccessObjects.Survey, right);

    public void Require(CurrentUser user, AccessRights right)
    {
        if (!Can(user, right))
        {
            throw new ForbiddenException($"You lack the {right.ToString().ToLowerInvariant()} right on surveys.");
        }
    }

    /// <summary>Responses whose counterparty or person the caller sees.</summary>
    public IQueryable<SurveyResponse> VisibleResponses(Guid surveyId, CurrentUser user)
    {
        var responses = db.SurveyResponses.Where(r => r.SurveyId == surveyId);
        if (recordAccess.SeesAll(user) && recordAccess.SeesAll(user, AccessObjects.Person))
        {
            return responses;
        }

        var companies = recordAccess.Visible(db.Counterparties, user);
        var persons = PersonAccess.Visible(db, recordAccess, user);
        return responses.Where(r => (r.CounterpartyId != null && companies.Any(c => c.Id == r.CounterpartyId))
            || (r.CounterpartyId == null && r.PersonId != null && persons.Any(p => p.Id == r.PersonId)));
    }

    public IQueryable<Counterparty> VisibleCounterparties(CurrentUser user) => recordAccess.Visible(db.Counterparties, user);

    public IQueryable<ContactPerson> VisiblePersons(CurrentUser user) => PersonAccess.Visible(db, recordAccess, user);
}
