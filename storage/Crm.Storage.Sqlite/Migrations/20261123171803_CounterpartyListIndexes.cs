using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CounterpartyListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_counterparties_Owner",
                table: "counterparties");

            migrationBuilder.DropIndex(
                name: "IX_counterparties_Region_SearchName",
                table: "counterparties");

            migrationBuilder.CreateIndex(
                name: "IX_persons_LastName_FirstName",
                table: "persons",
                columns: new[] { "LastName", "FirstName" });

            migrationBuilder.CreateIndex(
                name: "IX_counterparties_Owner_SearchName_Id",
                table: "counterparties",
                columns: new[] { "Owner", "SearchName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_counterparties_Region_SearchName_Id",
                table: "counterparties",
                columns: new[] { "Region", "SearchName", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_persons_LastName_FirstName",
                table: "persons");

            migrationBuilder.DropIndex(
                name: "IX_counterparties_Owner_SearchName_Id",
                table: "counterparties");

            migrationBuilder.DropIndex(
                name: "IX_counterparties_Region_SearchName_Id",
                table: "counterparties");

            migrationBuilder.CreateIndex(
                name: "IX_counterparties_Owner",
                table: "counterparties",
                column: "Owner");

            migrationBuilder.CreateIndex(
                name: "IX_counterparties_Region_SearchName",
                table: "counterparties",
                columns: new[] { "Region", "SearchName" });
        }
    }
}
