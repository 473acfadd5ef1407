using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CounterpartyTrigramIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Infix name search (LIKE '%olska%') over a million counterparties needs trigrams; pg_trgm ships with PostgreSQL.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("CREATE INDEX IF NOT EXISTS \"IX_counterparties_SearchName_trgm\" ON counterparties USING gin (\"SearchName\" gin_trgm_ops);");


        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_counterparties_SearchName_trgm\";");


        }
    }
}
