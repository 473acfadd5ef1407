using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Server.Hosting;

/// <summary>
/// Demo binders and documents from samples/demo/documents (one subfolder per binder under "Firma"), with
/// permissions for the demo groups and one letter narrowed to two people. Loaded once, on a database
/// without folders.
/// </summary>
internal static class DemoDocuments
{
    public static async Task LoadAsync(IServiceProvider services, string folder)
    {
        var db = services.GetRequiredService<CrmDbContext>();
        if (!Directory.Exists(folder) || await db.Folders.AnyAsync())
        {
            return;
        }

        var admin = new CurrentUser(Guid.Empty, IdentitySeeder.AdminUserName, new HashSet<string> { Roles.Admin }, new HashSet<string>());
        var from = new AccessContext(null, "demo loader");
        var folders = services.GetRequiredService<FolderService>();
        var documents = services.GetRequiredService<DocumentService>();
        var company = await folders.CreateAsync(new CreateFolderRequest("Firma", null), admin, CancellationToken.None);
        await folders.SetFolderPermissionsAsync(company.Id,
        [
            new PermissionEntry("group", "sales", ["read", "download", "write"]),
            new PermissionEntry("group", "office", ["read", "download", "write"]),
            new PermissionEntry("group", "compliance", ["read", "download"]),
            new PermissionEntry("user", "piotr", ["read", "download", "write", "manage"]),
        ], admin, from, CancellationToken.None);
        foreach (var binder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var created = await folders.CreateAsync(new CreateFolderRequest(Path.GetFileName(binder), company.Id), admin, CancellationToken.None);
            foreach (var file in Directory.GetFiles(binder).Order(StringComparer.Ordinal))
            {
                await using var content = File.OpenRead(file);
                var stored = await documents.StoreAsync(new UploadedFile(Path.GetFileName(file), content), CancellationToken.None);
                var document = await documents.CreateAsync(new CreateDocumentRequest(created.Id, Path.GetFileNameWithoutExtension(file), TypeOf(binder)), stored, admin, from, CancellationToken.None);
                if (file.Contains("poufne", StringComparison.OrdinalIgnoreCase))
                {
                    await folders.SetDocumentPermissionsAsync(document.Id,
                        [new PermissionEntry("user", "marek", ["read", "download"]), new PermissionEntry("user", "piotr", ["read", "download", "manage"])],
                        admin, from, CancellationToken.None);
                }
            }
        }
    }

    private static string TypeOf(string binder) => Path.GetFileName(binder) switch
    {
        "Umowy" => "contract",
        "Korespondencja" => "letter",
        _ => "procedure",
    };
}
