using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Platform.Audit;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>
/// Another module's data about a person (complaints, tickets …) for a GDPR export: the CRM owns the contract, each
/// module answers for its own rows.
/// </summary>
[ModuleContract]
public interface IPersonDataSource
{
    /// <summary>The section's name in the export ("complaints").</summary>
    string Name { get; }

    /// <summary>Every row about the person, as plain objects (field name → value).</summary>
    Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken);
}

/// <summary>The export's file: a ZIP with <c>person.json</c> (machine-readable) and <c>summary.html</c> (for reading).</summary>
public sealed record PersonExportFile(byte[] Content, string FileName);

/// <summary>
/// GDPR (RODO) art. 15/20: everything the product holds about a person, for compliance officers and admins: CRM
/// fields and contacts, consent, activities, notes, cases, documents attached to their activities, tasks that
/// mention them, the audit rows about them, and every other module's rows (<see cref="IPersonDataSource"/>).
/// The export itself is an audit row.
/// </summary>
public sealed class PersonDataExport(CrmDbContext db, Crm.Modules.Documents.DocumentAccess documents, TimeProvider clock, IEnumerable<IPersonDataSource> sources)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    // Letters of every language stay readable; markup characters are always encoded.
    private static readonly System.Text.Encodings.Web.HtmlEncoder Encoder = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public async Task<PersonExportFile> ExportAsync(Guid personId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsAdmin && !user.Roles.Contains(Roles.Compliance))
        {
            throw new ForbiddenException("Only compliance officers and admins export a person's data.");
        }

        var person = await db.Persons.AsNoTracking().Include(p => p.Contacts).SingleOrDefaultAsync(p => p.Id == personId, cancellationToken)
            ?? throw new NotFoundException($"Person {personId} does not exist.");
        var company = person.CounterpartyId is { } companyId
            ? await db.Counterparties.AsNoTracking().Where(c => c.Id == companyId).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken)
            : null;
        var sections = new List<(string Name, IReadOnlyList<Dictionary<string, object?>> Rows)>
        {
            ("person", [Row(
                ("firstName", person.FirstName), ("lastName", person.LastName), ("company", company), ("position", person.Position),
                ("department", person.Department), ("email", person.Email), ("phone", person.Phone), ("birthday", person.Birthday),
                ("gender", person.Gender), ("privateAddress", person.PrivateAddress), ("roles", person.Roles), ("remarks", person.Remarks),
                ("createdBy", person.CreatedBy), ("createdAt", person.CreatedAt))]),
            ("contacts", [.. person.Contacts.Select(c => Row(("kind", c.Kind), ("value", c.Value), ("label", c.Label), ("private", c.Private)))]),
            ("consents", [Row(("marketingConsent", person.MarketingConsent), ("source", person.ConsentSource), ("at", person.ConsentAt))]),
        };

        // The admin's own fields about the person (sensitive ones included: this is the person's own data).
        var custom = await (from v in db.Set<Fields.CustomFieldValue>().AsNoTracking()
                            join f in db.Set<Fields.CustomFieldDefinition>().AsNoTracking() on v.FieldId equals f.Id
                            where v.EntityId == personId && f.Entity == "person"
                            select new { f.Key, f.Label, v.Text, v.Number, v.Date }).ToListAsync(cancellationToken);
        sections.Add(("custom fields", [.. custom.Select(c => Row(("field", c.Label), ("key", c.Key), ("value", (object?)c.Text ?? (object?)c.Number ?? c.Date)))]));

        var activities = await db.Activities.AsNoTracking().Where(a => a.PersonId == personId).OrderBy(a => a.At).ToListAsync(cancellationToken);
        sections.Add(("activities", [.. activities.Select(a => Row(("at", a.At), ("type", a.Type.ToString()), ("direction", a.Direction), ("subject", a.Subject),
            ("description", a.Description), ("employee", a.Employee), ("status", a.Status.ToString())))]));
        sections.Add(("notes", [.. (await db.Notes.AsNoTracking().Where(n => n.PersonId == personId).OrderBy(n => n.CreatedAt).ToListAsync(cancellationToken))
            .Select(n => Row(("at", n.CreatedAt), ("by", n.CreatedBy), ("text", n.Text)))]));
        sections.Add(("cases", [.. (await db.Cases.AsNoTracking().Where(k => k.PersonId == personId).ToListAsync(cancellationToken))
            .Select(k => Row(("title", k.Title), ("phase", k.Phase), ("owner", k.Owner), ("value", k.Value), ("currency", k.Currency)))]));

        var activityIds = activities.Select(a => a.Id).ToList();
        var documentIds = await db.Set<ActivityDocument>().AsNoTracking().Where(l => activityIds.Contains(l.ActivityId)).Select(l => l.DocumentId).Distinct().ToListAsync(cancellationToken);
        // Only documents the exporting officer may read are named (titles can be telling); the others are counted.
        var readable = (await documents.ReadableAsync(user, cancellationToken)).AsNoTracking().Where(d => documentIds.Contains(d.Id));
        var withheld = documentIds.Count - await readable.CountAsync(cancellationToken);
        sections.Add(("documents", [.. (await readable.ToListAsync(cancellationToken))
            .Select(d => Row(("id", d.Id), ("title", d.Title), ("type", d.Type), ("owner", d.Owner), ("receivedAt", d.ReceivedAt))),
            .. Enumerable.Repeat(Row(("withheld", withheld), ("why", "documents you may not read; ask their folder's managers")), withheld > 0 ? 1 : 0)]));

        // Tasks link to a person through their linking variables (personId), stored as JSON text on the task.
        var idText = personId.ToString();
        sections.Add(("tasks", [.. (await db.Set<UserTask>().AsNoTracking().Where(t => t.Links != null && t.Links.Contains(idText)).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken))
            .Select(t => Row(("name", t.Name), ("process", t.ProcessName ?? t.ProcessKey), ("businessKey", t.BusinessKey), ("status", t.Status.ToString()),
                ("assignee", t.Assignee), ("createdAt", t.CreatedAt), ("completedAt", t.CompletedAt)))]));
        foreach (var source in sources)
        {
            sections.Add((source.Name, await source.CollectAsync(personId, cancellationToken)));
        }

        sections.Add(("access and changes (audit trail)", [.. (await db.AuditLog.AsNoTracking().Where(a => a.SubjectId == idText).OrderBy(a => a.Sequence).ToListAsync(cancellationToken))
            .Select(a => Row(("at", a.At), ("actor", a.Actor), ("action", a.Action), ("data", a.Data)))]));

        var now = clock.GetUtcNow();
        var name = $"{person.FirstName} {person.LastName}";
        db.AuditLog.Add(Audited.Row(AuditActor.Or(user.UserName), "gdpr.exported", "person", idText, now, null,
            sections.ToDictionary(s => s.Name, s => s.Rows.Count)));
        await db.SaveChangesAsync(cancellationToken);
        return new PersonExportFile(Zip(name, now, sections), $"gdpr-{Slug(name)}-{now:yyyyMMdd}.zip");
    }

    private static byte[] Zip(string name, DateTimeOffset at, List<(string Name, IReadOnlyList<Dictionary<string, object?>> Rows)> sections)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var document = new JsonObject { ["person"] = name, ["exportedAt"] = at };
            foreach (var (section, rows) in sections)
            {
                document[section] = JsonSerializer.SerializeToNode(rows, Json);
            }

            using (var json = new StreamWriter(zip.CreateEntry("person.json").Open(), new UTF8Encoding(false)))
            {
                json.Write(document.ToJsonString(Json));
            }

            using var html = new StreamWriter(zip.CreateEntry("summary.html").Open(), new UTF8Encoding(false));
            html.Write(Html(name, at, sections));
        }

        return buffer.ToArray();
    }

    // Every value is encoded: the export is opened in a browser and holds text people typed.
    private static string Html(string name, DateTimeOffset at, List<(string Name, IReadOnlyList<Dictionary<string, object?>> Rows)> sections)
    {
        var html = new StringBuilder()
            .Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").Append(Encoder.Encode(name)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse;margin-bottom:1.5rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}</style></head><body>")
            .Append("<h1>").Append(Encoder.Encode(name)).Append("</h1><p>Data held about this person, exported ")
            .Append(Encoder.Encode(at.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture))).Append(".</p>");
        foreach (var (section, rows) in sections)
        {
            html.Append("<h2>").Append(Encoder.Encode(section)).Append(" (").Append(rows.Count).Append(")</h2>");
            if (rows.Count == 0)
            {
                html.Append("<p>None.</p>");
                continue;
            }

            var columns = rows.SelectMany(r => r.Keys).Distinct().ToList();
            html.Append("<table><tr>");
            columns.ForEach(c => html.Append("<th>").Append(Encoder.Encode(c)).Append("</th>"));
            html.Append("</tr>");
            foreach (var row in rows)
            {
                html.Append("<tr>");
                columns.ForEach(c => html.Append("<td>").Append(Encoder.Encode(Text(row.GetValueOrDefault(c)))).Append("</td>"));
                html.Append("</tr>");
            }

            html.Append("</table>");
        }

        return html.Append("</body></html>").ToString();
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static Dictionary<string, object?> Row(params (string Key, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    private static string Slug(string text) =>
        new([.. CounterpartyService.Fold(text).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
}
