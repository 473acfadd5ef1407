using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobsMessagesCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MultiInstanceBodyId",
                table: "user_tasks",
                type: "TEXT",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParkedToken",
                table: "user_tasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParentAnchorId",
                table: "process_instances",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParentElementId",
                table: "process_instances",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ParentInstanceId",
                table: "process_instances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParentToken",
                table: "process_instances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DefinitionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProcessKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ElementId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AnchorId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LockOwner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    RetriesLeft = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Incident = table.Column<bool>(type: "INTEGER", nullable: false),
                    FailedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "message_subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CorrelationKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BusinessKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DefinitionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProcessKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ElementId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AnchorId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ParkedToken = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_message_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "process_journal",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ElementId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: true),
                    ExecutedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_process_journal", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_process_instances_ParentInstanceId",
                table: "process_instances",
                column: "ParentInstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_DefinitionId",
                table: "jobs",
                column: "DefinitionId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_Incident_DueAt",
                table: "jobs",
                columns: new[] { "Incident", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_InstanceId",
                table: "jobs",
                column: "InstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_message_subscriptions_InstanceId",
                table: "message_subscriptions",
                column: "InstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_message_subscriptions_MessageName_CorrelationKey",
                table: "message_subscriptions",
                columns: new[] { "MessageName", "CorrelationKey" });

            migrationBuilder.CreateIndex(
                name: "IX_process_journal_IdempotencyKey",
                table: "process_journal",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_process_journal_InstanceId",
                table: "process_journal",
                column: "InstanceId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "message_subscriptions");

            migrationBuilder.DropTable(
                name: "process_journal");

            migrationBuilder.DropIndex(
                name: "IX_process_instances_ParentInstanceId",
                table: "process_instances");

            migrationBuilder.DropColumn(
                name: "MultiInstanceBodyId",
                table: "user_tasks");

            migrationBuilder.DropColumn(
                name: "ParkedToken",
                table: "user_tasks");

            migrationBuilder.DropColumn(
                name: "ParentAnchorId",
                table: "process_instances");

            migrationBuilder.DropColumn(
                name: "ParentElementId",
                table: "process_instances");

            migrationBuilder.DropColumn(
                name: "ParentInstanceId",
                table: "process_instances");

            migrationBuilder.DropColumn(
                name: "ParentToken",
                table: "process_instances");
        }
    }
}
