using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RecentRecordIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_notes_CreatedBy_CreatedAt",
                table: "notes",
                columns: new[] { "CreatedBy", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_counterparties_CreatedBy_CreatedAt",
                table: "counterparties",
                columns: new[] { "CreatedBy", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_case_events_By_At",
                table: "case_events",
                columns: new[] { "By", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_activities_Employee_At",
                table: "activities",
                columns: new[] { "Employee", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_notes_CreatedBy_CreatedAt",
                table: "notes");

            migrationBuilder.DropIndex(
                name: "IX_counterparties_CreatedBy_CreatedAt",
                table: "counterparties");

            migrationBuilder.DropIndex(
                name: "IX_case_events_By_At",
                table: "case_events");

            migrationBuilder.DropIndex(
                name: "IX_activities_Employee_At",
                table: "activities");
        }
    }
}
