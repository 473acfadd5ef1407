using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ProcessEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "history_batches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirstSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Events = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_history_batches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "process_definitions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: false),
                    XmlHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DeployedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeployedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_process_definitions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "process_instances",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DefinitionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProcessKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DefinitionVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    BusinessKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", nullable: false),
                    ActiveElementIds = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    HistorySequence = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_process_instances", x => x.Id);
                    table.ForeignKey(
                        name: "FK_process_instances_process_definitions_DefinitionId",
                        column: x => x.DefinitionId,
                        principalTable: "process_definitions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "user_tasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProcessKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProcessName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    BusinessKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ElementId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TokenId = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Assignee = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Delegation = table.Column<int>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FollowUpAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    FormKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    FormSchema = table.Column<string>(type: "TEXT", nullable: true),
                    Inputs = table.Column<string>(type: "TEXT", nullable: true),
                    Links = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClaimedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_tasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_tasks_process_instances_InstanceId",
                        column: x => x.InstanceId,
                        principalTable: "process_instances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "task_candidates",
                columns: table => new
                {
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_task_candidates", x => new { x.TaskId, x.Kind, x.Name });
                    table.ForeignKey(
                        name: "FK_task_candidates_user_tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "user_tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_history_batches_InstanceId_FirstSequence",
                table: "history_batches",
                columns: new[] { "InstanceId", "FirstSequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_process_definitions_Key_Version",
                table: "process_definitions",
                columns: new[] { "Key", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_process_instances_BusinessKey",
                table: "process_instances",
                column: "BusinessKey");

            migrationBuilder.CreateIndex(
                name: "IX_process_instances_DefinitionId",
                table: "process_instances",
                column: "DefinitionId");

            migrationBuilder.CreateIndex(
                name: "IX_process_instances_ProcessKey_Status",
                table: "process_instances",
                columns: new[] { "ProcessKey", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_task_candidates_Kind_Name",
                table: "task_candidates",
                columns: new[] { "Kind", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_user_tasks_InstanceId",
                table: "user_tasks",
                column: "InstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_user_tasks_Status_Assignee",
                table: "user_tasks",
                columns: new[] { "Status", "Assignee" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "history_batches");

            migrationBuilder.DropTable(
                name: "task_candidates");

            migrationBuilder.DropTable(
                name: "user_tasks");

            migrationBuilder.DropTable(
                name: "process_instances");

            migrationBuilder.DropTable(
                name: "process_definitions");
        }
    }
}
