using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddExternalTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "external_tasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InstanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    DefinitionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProcessKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    BusinessKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ElementId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TokenId = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Topic = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Priority = table.Column<long>(type: "bigint", nullable: false),
                    Retries = table.Column<int>(type: "integer", nullable: true),
                    ErrorMessage = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ErrorDetails = table.Column<string>(type: "text", nullable: true),
                    WorkerId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LockExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Incident = table.Column<bool>(type: "boolean", nullable: false),
                    FailedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_external_tasks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_external_tasks_InstanceId_TokenId",
                table: "external_tasks",
                columns: new[] { "InstanceId", "TokenId" });

            migrationBuilder.CreateIndex(
                name: "IX_external_tasks_Topic_Incident_LockExpiresAt",
                table: "external_tasks",
                columns: new[] { "Topic", "Incident", "LockExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "external_tasks");
        }
    }
}
