using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CounterpartyListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Not for lookups: an index on an expression makes ANALYZE keep statistics for it, so the planner knows how
            // many rows a category filter (',' || "Categories" || ',') LIKE '%,supplier,%' matches instead of guessing a handful.
            migrationBuilder.Sql("CREATE INDEX IF NOT EXISTS \"IX_counterparties_Categories_list\" ON counterparties (((',' || \"Categories\") || ','));");

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
                columns: new[] { "Owner", "SearchName", "Id" })
                .Annotation("Npgsql:IndexInclude", new[] { "Region", "Archived", "Categories" });

            migrationBuilder.CreateIndex(
                name: "IX_counterparties_Region_SearchName_Id",
                table: "counterparties",
                columns: new[] { "Region", "SearchName", "Id" })
                .Annotation("Npgsql:IndexInclude", new[] { "Archived", "Categories" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_counterparties_Categories_list\";");

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
