using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ActivityContactIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_activities_CounterpartyId_At",
                table: "activities");

            migrationBuilder.CreateIndex(
                name: "IX_activities_CounterpartyId_Status_At",
                table: "activities",
                columns: new[] { "CounterpartyId", "Status", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_activities_CounterpartyId_Status_At",
                table: "activities");

            migrationBuilder.CreateIndex(
                name: "IX_activities_CounterpartyId_At",
                table: "activities",
                columns: new[] { "CounterpartyId", "At" });
        }
    }
}
