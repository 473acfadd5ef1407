using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CounterpartyOwnerIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // NIP prefix search (LIKE '526%') needs a pattern-ops B-tree under a non-C collation.
            migrationBuilder.Sql("CREATE INDEX IF NOT EXISTS \"IX_counterparties_Nip_pattern\" ON counterparties (\"Nip\" text_pattern_ops);");

            migrationBuilder.CreateIndex(
                name: "IX_counterparties_Owner",
                table: "counterparties",
                column: "Owner");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_counterparties_Nip_pattern\";");

            migrationBuilder.DropIndex(
                name: "IX_counterparties_Owner",
                table: "counterparties");
        }
    }
}
