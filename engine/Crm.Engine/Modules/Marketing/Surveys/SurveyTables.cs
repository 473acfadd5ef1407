using Crm.Modules.Marketing.Surveys;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The surveys' tables (M3) in the product's one context: the question bank, templates, runs, responses and answers.</summary>
public sealed partial class CrmDbContext
{
    public DbSet<SurveyType> SurveyTypes => Set<SurveyType>();
    public DbSet<SurveyQuestion> SurveyQuestions => Set<SurveyQuestion>();
    public DbSet<SurveyTemplate> SurveyTemplates => Set<SurveyTemplate>();
    public DbSet<SurveyTemplateQuestion> SurveyTemplateQuestions => Set<SurveyTemplateQuestion>();
    public DbSet<Survey> Surveys => Set<Survey>();
    public DbSet<SurveyResponse> SurveyResponses => Set<SurveyResponse>();
    public DbSet<SurveyAnswer> SurveyAnswers => Set<SurveyAnswer>();
}
