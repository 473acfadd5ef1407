using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Crm.Workflow.Common;

namespace Crm.Modules.Marketing.Consents;

/// <summary>A person's consents over HTTP: history, record given or withdrawn, evidence export.</summary>
public static class ConsentApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/persons/{personId:guid}/consents").WithTags("Consents");
        group.MapGet("/", (Guid personId, CurrentUser user, ConsentLedger ledger, CancellationToken ct) => ledger.HistoryAsync(personId, user, ct))
            .WithName("ConsentHistory").WithSummary("Every consent the person gave or withdrew, newest first, with its evidence.");
        group.MapGet("/current", (Guid personId, CurrentUser user, ConsentLedger ledger, CancellationToken ct) => ledger.StatesAsync(personId, user, ct))
            .WithName("CurrentConsents").WithSummary("What holds now per purpose (marketing e-mail, phone, profiling, survey).");
        group.MapPost("/", async (Guid personId, RecordConsentRequest request, CurrentUser user, ConsentLedger ledger, CancellationToken ct) =>
                TypedResults.Created($"/api/persons/{personId}/consents", await ledger.RecordAsync(personId, request, user, ct)))
            .WithName("RecordConsent").WithSummary("Appends a consent given or withdrawn; a consent given needs its evidence (source, text or a scanned document).");
        group.MapGet("/export", async (Guid personId, CurrentUser user, ConsentLedger ledger, CancellationToken ct) =>
                TypedResults.File(await ledger.ExportAsync(personId, user, ct), Xlsx, "consents.xlsx"))
            .WithName("ExportConsents").WithSummary("The person's consent history with its evidence as Excel (an audit row).");
        return app;
    }
}
