using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class GdprErasureAndAuditDigests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DataDigest",
                table: "audit_log",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RedactedFor",
                table: "audit_log",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "gdpr_erasure_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonLabel = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecisionNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    DocumentsDecision = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Documents = table.Column<string>(type: "TEXT", nullable: true),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Certificate = table.Column<string>(type: "TEXT", nullable: true),
                    CertificateDigest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_gdpr_erasure_requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "gdpr_retention_rules",
                columns: table => new
                {
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Years = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_gdpr_retention_rules", x => x.ObjectType);
                });

            migrationBuilder.CreateIndex(
                name: "IX_gdpr_erasure_requests_PersonId_Status",
                table: "gdpr_erasure_requests",
                columns: new[] { "PersonId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_gdpr_erasure_requests_RequestedAt",
                table: "gdpr_erasure_requests",
                column: "RequestedAt");
            // The audit trail stays append-only, with one exception a GDPR erasure needs: a row chained with a data digest
            // may have its data replaced by the pseudonym of the erasure that names it, every other column unchanged.
            // (A comparison with NULL is NULL in SQLite: COALESCE makes "not proven allowed" refuse.)
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_log_no_update;");
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                WHEN NOT COALESCE((OLD."DataDigest" IS NOT NULL AND OLD."RedactedFor" IS NULL AND NEW."RedactedFor" IS NOT NULL
                    AND NEW."Data" = '{"pseudonymised":"' || NEW."RedactedFor" || '"}'
                    AND NEW."Id" = OLD."Id" AND NEW."Sequence" = OLD."Sequence" AND NEW."At" = OLD."At" AND NEW."Actor" = OLD."Actor"
                    AND NEW."Action" = OLD."Action" AND NEW."SubjectType" IS OLD."SubjectType" AND NEW."SubjectId" IS OLD."SubjectId"
                    AND NEW."Ip" IS OLD."Ip" AND NEW."PreviousHash" = OLD."PreviousHash" AND NEW."Hash" = OLD."Hash" AND NEW."DataDigest" = OLD."DataDigest"), 0)
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_log_no_update;");
            migrationBuilder.Sql("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;");

            migrationBuilder.DropTable(
                name: "gdpr_erasure_requests");

            migrationBuilder.DropTable(
                name: "gdpr_retention_rules");

            migrationBuilder.DropColumn(
                name: "DataDigest",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "RedactedFor",
                table: "audit_log");
        }
    }
}
