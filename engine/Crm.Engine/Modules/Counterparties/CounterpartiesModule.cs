using Crm.Platform.Search;
using Crm.Modules.Counterparties.Cases;
using Crm.Modules.Counterparties.Fields;
using Crm.Modules.Counterparties.Reports;
using Crm.Modules.Counterparties.Gdpr;
using Crm.Modules.Documents.Validity;
using Crm.Platform.Access;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Counterparties;

/// <summary>The CRM module: counterparties, persons, activities, notes, sales cases, custom fields and dictionaries.</summary>
public static class CounterpartiesModule
{
    public static IServiceCollection AddCounterpartiesModule(this IServiceCollection services)
    {
        services.AddCrmAccessPolicy();
        services.TryAddScoped<CounterpartyAccess>();
        // The global search: companies, persons and cases, indexed and found with the caller's rights.
        services.AddSearchRecords<Search.CounterpartySearch>();
        services.AddSearchRecords<Search.PersonSearch>();
        services.AddSearchRecords<Search.CaseSearch>();
        services.TryAddScoped<IAccessFieldCatalogue, CrmAccessCatalogue>();
        services.TryAddScoped<AccessPreview>();
        services.TryAddScoped<PersonErasure>();
        services.TryAddScoped<RetentionRules>();
        services.TryAddScoped<CounterpartyService>();
        services.TryAddScoped<CounterpartyMasterData>();
        services.TryAddScoped<CounterpartyMerge>();
        services.TryAddScoped<PersonDataExport>();
        services.TryAddScoped<CrmActivityService>();
        services.TryAddScoped<NoteBook>();
        services.TryAddScoped<ActivityDocuments>();
        services.TryAddScoped<Correspondents>();
        services.TryAddScoped<LetterData>();
        services.TryAddScoped<PersonDirectory>();
        services.TryAddScoped<PersonCard>();
        services.TryAddScoped<ActivityBook>();
        services.TryAddScoped<CaseService>();
        services.TryAddScoped<CaseBook>();
        services.TryAddScoped<RecentCrmRecords>();
        services.TryAddScoped<CounterpartyImport>();
        services.TryAddScoped<PersonImport>();
        services.TryAddScoped<CustomFieldService>();
        services.TryAddScoped<DictionaryService>();
        services.TryAddScoped<CounterpartyRelations>();
        services.TryAddScoped<TimeCostReport>();
        services.AddScoped<IDocumentCounterparties, DocumentCounterparties>();
        services.AddScoped<ICounterpartyReferences, DocumentCounterpartyReferences>();
        return services;
    }

    /// <summary>/api/counterparties, /api/persons, /api/activities, /api/notes, /api/cases.</summary>
    public static IEndpointRouteBuilder MapCounterpartiesModule(this IEndpointRouteBuilder app)
    {
        app.MapCounterpartyApi();
        app.MapCounterpartyRelationApi();
        app.MapCounterpartyMasterDataApi();
        app.MapPersonApi();
        app.MapActivityApi();
        app.MapNoteApi();
        app.MapCaseApi();
        app.MapTimeCostApi();
        app.MapFieldAdministrationApi();
        app.MapAccessPreviewApi();
        app.MapErasureApi();
        return app;
    }
}
