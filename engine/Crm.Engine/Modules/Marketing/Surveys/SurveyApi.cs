using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Marketing.Surveys;

public sealed record SurveyTypeRequest(string? Name);

public sealed record SelectionRequest(IReadOnlyList<AnswerCriterion>? Criteria);

/// <summary>HTTP API of surveys: the question bank, templates, surveys, answers (staff and signed link), analysis, selection by answers.</summary>
public static class SurveyApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapSurveyApi(this IEndpointRouteBuilder app)
    {
        var bank = app.MapGroup("/api").WithTags("Surveys");
        bank.MapGet("/survey-types", (CurrentUser user, SurveyBank b, CancellationToken ct) => b.TypesAsync(user, ct)).WithName("ListSurveyTypes");
        bank.MapPost("/survey-types", AddTypeAsync).WithName("AddSurveyType");
        bank.MapGet("/survey-dictionaries", (CurrentUser user, SurveyBank b, CancellationToken ct) => b.DictionariesAsync(user, ct))
            .WithName("SurveyDictionaries").WithSummary("CRM dictionaries a choice question may take its answers from.");
        bank.MapGet("/survey-questions", (Guid? typeId, CurrentUser user, SurveyBank b, CancellationToken ct) => b.QuestionsAsync(typeId, user, ct))
            .WithName("ListSurveyQuestions").WithSummary("The question bank, optionally of one survey type.");
        bank.MapPost("/survey-questions", AddQuestionAsync).WithName("AddSurveyQuestion")
            .WithSummary("typeId, text, kind (single-choice, multiple-choice, scale, number, date, open-text), choices or dictionary, min, max.");
        bank.MapPut("/survey-questions/{id:guid}", (Guid id, QuestionRequest request, CurrentUser user, SurveyBank b, CancellationToken ct) =>
            b.UpdateQuestionAsync(id, request, user, ct)).WithName("UpdateSurveyQuestion");
        bank.MapDelete("/survey-questions/{id:guid}", RetireQuestionAsync).WithName("RetireSurveyQuestion")
            .WithSummary("Takes the question out of the bank; templates keep it.");
        bank.MapGet("/survey-templates", (CurrentUser user, SurveyTemplates t, CancellationToken ct) => t.ListAsync(user, ct)).WithName("ListSurveyTemplates");
        bank.MapGet("/survey-templates/{id:guid}", (Guid id, CurrentUser user, SurveyTemplates t, CancellationToken ct) => t.GetAsync(id, user, ct)).WithName("GetSurveyTemplate");
        bank.MapPost("/survey-templates", CreateTemplateAsync).WithName("CreateSurveyTemplate")
            .WithSummary("typeId, name, questions [{questionId, required}] in the order asked.");
        bank.MapPut("/survey-templates/{id:guid}", (Guid id, TemplateRequest request, CurrentUser user, SurveyTemplates t, CancellationToken ct) =>
            t.UpdateAsync(id, request, user, ct)).WithName("UpdateSurveyTemplate").WithSummary("Replaces name and questions; revision must match (409).");

        var surveys = app.MapGroup("/api/surveys").WithTags("Surveys");
        surveys.MapGet("/", (Guid? campaignId, CurrentUser user, SurveyRuns runs, CancellationToken ct) => runs.ListAsync(campaignId, user, ct)).WithName("ListSurveys");
        surveys.MapPost("/", CreateSurveyAsync).WithName("CreateSurvey").WithSummary("templateId, title, campaignId (optional).");
        surveys.MapGet("/{id:guid}", (Guid id, CurrentUser user, SurveyRuns runs, CancellationToken ct) => runs.GetAsync(id, user, ct)).WithName("GetSurvey");
        surveys.MapPost("/{id:guid}/close", (Guid id, CurrentUser user, SurveyRuns runs, CancellationToken ct) => SetClosedAsync(id, true, user, runs, ct)).WithName("CloseSurvey");
        surveys.MapPost("/{id:guid}/reopen", (Guid id, CurrentUser user, SurveyRuns runs, CancellationToken ct) => SetClosedAsync(id, false, user, runs, ct)).WithName("ReopenSurvey");
        surveys.MapGet("/{id:guid}/responses", (Guid id, CurrentUser user, SurveyRuns runs, CancellationToken ct) => runs.ResponsesAsync(id, user, ct))
            .WithName("ListSurveyResponses").WithSummary("Responses of counterparties and persons the caller sees.");
        surveys.MapGet("/{id:guid}/responses/{responseId:guid}", (Guid id, Guid responseId, CurrentUser user, SurveyRuns runs, CancellationToken ct) =>
            runs.AnswersAsync(id, responseId, user, ct)).WithName("GetSurveyResponse");
        surveys.MapPost("/{id:guid}/responses", (Guid id, StaffAnswerRequest request, CurrentUser user, SurveyAnswering answering, CancellationToken ct) =>
            answering.AnswerAsStaffAsync(id, request, user, ct)).WithName("AnswerSurvey")
            .WithSummary("Staff answer on behalf of personId and/or counterpartyId; answers [{questionId, value, values}]; 400 names each question; again replaces.");
        surveys.MapPost("/{id:guid}/links", (Guid id, SurveyLinkRequest request, CurrentUser user, SurveyAnswering answering, CancellationToken ct) =>
            answering.IssueLinkAsync(id, request, user, ct)).WithName("IssueSurveyLink").WithSummary("A signed link (url) for personId to answer without signing in.");
        surveys.MapGet("/{id:guid}/analysis", (Guid id, CurrentUser user, SurveyAnalysis analysis, CancellationToken ct) => analysis.AnalyseAsync(id, user, ct))
            .WithName("AnalyseSurvey").WithSummary("Answer counts, percentages and averages per question over the responses the caller sees.");
        surveys.MapGet("/{id:guid}/analysis/export", ExportAsync).WithName("ExportSurveyAnalysis");
        surveys.MapPost("/{id:guid}/selection", (Guid id, SelectionRequest request, CurrentUser user, SurveySelection selection, CancellationToken ct) =>
            selection.SelectWithNamesAsync(id, request.Criteria ?? [], user, ct)).WithName("SelectByAnswers")
            .WithSummary("criteria [{questionId, operator: eq|any|gte|lte, values}] combined with AND: the respondents (visible to the caller) who answered so.");

        // The person behind a signed link, without signing in (the page /s/{token} uses the same use case).
        var links = app.MapGroup("/api/survey-links").WithTags("Surveys").AllowAnonymous();
        links.MapGet("/{token}", GetLinkFormAsync).WithName("GetSurveyByLink");
        links.MapPost("/{token}", (string token, LinkAnswerRequest request, SurveyAnswering answering, CancellationToken ct) =>
            answering.AnswerByLinkAsync(token, request, ct)).WithName("AnswerSurveyByLink").WithSummary("404 for a link that is not genuine.");
        return app;
    }

    private static async Task<Created<SurveyTypeView>> AddTypeAsync(SurveyTypeRequest request, CurrentUser user, SurveyBank bank, CancellationToken ct)
    {
        var type = await bank.AddTypeAsync(request.Name, user, ct);
        return TypedResults.Created($"/api/survey-types/{type.Id}", type);
    }

    private static async Task<Created<QuestionView>> AddQuestionAsync(QuestionRequest request, CurrentUser user, SurveyBank bank, CancellationToken ct)
    {
        var question = await bank.AddQuestionAsync(request, user, ct);
        return TypedResults.Created($"/api/survey-questions/{question.Id}", question);
    }

    private static async Task<NoContent> RetireQuestionAsync(Guid id, CurrentUser user, SurveyBank bank, CancellationToken ct)
    {
        await bank.RetireQuestionAsync(id, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<TemplateView>> CreateTemplateAsync(TemplateRequest request, CurrentUser user, SurveyTemplates templates, CancellationToken ct)
    {
        var template = await templates.CreateAsync(request, user, ct);
        return TypedResults.Created($"/api/survey-templates/{template.Id}", template);
    }

    private static async Task<Created<SurveyView>> CreateSurveyAsync(SurveyRequest request, CurrentUser user, SurveyRuns runs, CancellationToken ct)
    {
        var survey = await runs.CreateAsync(request, user, ct);
        return TypedResults.Created($"/api/surveys/{survey.Id}", survey);
    }

    private static async Task<NoContent> SetClosedAsync(Guid id, bool closed, CurrentUser user, SurveyRuns runs, CancellationToken ct)
    {
        await runs.SetClosedAsync(id, closed, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<FileContentHttpResult> ExportAsync(Guid id, CurrentUser user, SurveyAnalysis analysis, CancellationToken ct) =>
        TypedResults.File(await analysis.ExportAsync(id, user, ct), Xlsx, $"survey-{id:N}-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx");

    private static async Task<Ok<LinkForm>> GetLinkFormAsync(string token, SurveyAnswering answering, CancellationToken ct) =>
        TypedResults.Ok(await answering.FormAsync(token, ct) ?? throw new NotFoundException("This survey link is not valid."));
}
