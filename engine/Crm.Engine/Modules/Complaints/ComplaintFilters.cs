using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Complaints;

/// <summary>The complaint list's filters on any field (<c>field:op:value</c>, the same operators as the other CRM lists).</summary>
public static class ComplaintFilters
{
    public static IReadOnlyList<ListField> Catalogue { get; } =
    [
        new("number", "Number", "text", false, false, []),
        new("subject", "Subject", "text", false, false, []),
        new("counterparty", "Customer", "text", false, false, []),
        new("kind", "Kind", "choice", false, false, ["consumer", "business"]),
        new("againstType", "Against", "choice", false, false, RegisterComplaint.AgainstTypes),
        new("againstNumber", "Document or contract number", "text", false, false, []),
        new("productCode", "Product code", "text", false, false, []),
        new("productName", "Product", "text", false, false, []),
        new("receivedOn", "Received", "date", false, false, []),
        new("channel", "Channel", "choice", false, false, RegisterComplaint.Channels),
        new("demand", "Demand", "choice", false, false, RegisterComplaint.Demands),
        new("claimedAmount", "Claimed amount", "number", false, false, []),
        new("status", "Status", "choice", false, false, ["open", "decided", "answered", "closed"]),
        new("decision", "Decision", "choice", false, false, ["none", "accepted", "rejected", "accepted-by-default"]),
        new("deadline", "Deadline", "date", false, false, []),
        new("owner", "Owner", "text", false, false, []),
        new("handlingGroup", "Handling group", "text", false, false, []),
        new("defectDescription", "Defect description", "text", false, false, []),
        new("resolution", "Resolution", "text", false, false, []),
    ];

    public static IQueryable<Complaint> Apply(IQueryable<Complaint> query, IReadOnlyList<FieldFilter>? filters, CrmDbContext db)
    {
        foreach (var filter in filters ?? [])
        {
            var field = Catalogue.FirstOrDefault(f => f.Key == filter.Field) ?? throw ValidationFailedException.For("filter", $"'{filter.Field}' is not a field you can filter on.");
            if (!FieldFilter.Operators.Contains(filter.Op))
            {
                throw ValidationFailedException.For("filter", $"Use one of the operators {string.Join(", ", FieldFilter.Operators)} (not '{filter.Op}').");
            }

            query = query.Where(field.Key switch
            {
                "number" => FieldConditions.Text<Complaint>(c => c.Number, filter),
                "subject" => FieldConditions.Text<Complaint>(c => c.Subject, filter),
                "counterparty" => FieldConditions.Text<Complaint>(c => db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault(), filter),
                "kind" => FieldConditions.Choice<Complaint, ComplaintKind>(c => c.Kind, field, filter),
                "againstType" => FieldConditions.Text<Complaint>(c => c.AgainstType, filter),
                "againstNumber" => FieldConditions.Text<Complaint>(c => c.AgainstNumber, filter),
                "productCode" => FieldConditions.Text<Complaint>(c => c.ProductCode, filter),
                "productName" => FieldConditions.Text<Complaint>(c => c.ProductName, filter),
                "receivedOn" => FieldConditions.Day<Complaint>(c => c.ReceivedOn, field, filter),
                "channel" => FieldConditions.Text<Complaint>(c => c.Channel, filter),
                "demand" => FieldConditions.Text<Complaint>(c => c.Demand, filter),
                "claimedAmount" => FieldConditions.Number<Complaint>(c => (double?)c.ClaimedAmount, field, filter),
                "status" => FieldConditions.Choice<Complaint, ComplaintStatus>(c => c.Status, field, filter),
                "decision" => FieldConditions.Choice<Complaint, ComplaintDecision>(c => c.Decision, field, filter),
                "deadline" => FieldConditions.Day<Complaint>(c => c.Deadline, field, filter),
                "owner" => FieldConditions.Text<Complaint>(c => c.Owner, filter),
                "handlingGroup" => FieldConditions.Text<Complaint>(c => c.HandlingGroup, filter),
                "defectDescription" => FieldConditions.Text<Complaint>(c => c.DefectDescription, filter),
                _ => FieldConditions.Text<Complaint>(c => c.Resolution, filter),
            });
        }

        return query;
    }
}
