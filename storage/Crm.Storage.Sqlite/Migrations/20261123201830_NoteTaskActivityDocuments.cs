using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class NoteTaskActivityDocuments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "TaskId",
                table: "notes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "activity_documents",
                columns: table => new
                {
                    ActivityId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LinkedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LinkedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_activity_documents", x => new { x.ActivityId, x.DocumentId });
                    table.ForeignKey(
                        name: "FK_activity_documents_activities_ActivityId",
                        column: x => x.ActivityId,
                        principalTable: "activities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_activity_documents_documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notes_ActivityId",
                table: "notes",
                column: "ActivityId");

            migrationBuilder.CreateIndex(
                name: "IX_notes_PersonId",
                table: "notes",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_notes_TaskId",
                table: "notes",
                column: "TaskId");

            migrationBuilder.CreateIndex(
                name: "IX_activity_documents_DocumentId",
                table: "activity_documents",
                column: "DocumentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "activity_documents");

            migrationBuilder.DropIndex(
                name: "IX_notes_ActivityId",
                table: "notes");

            migrationBuilder.DropIndex(
                name: "IX_notes_PersonId",
                table: "notes");

            migrationBuilder.DropIndex(
                name: "IX_notes_TaskId",
                table: "notes");

            migrationBuilder.DropColumn(
                name: "TaskId",
                table: "notes");
        }
    }
}
