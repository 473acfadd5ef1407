using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ExtractionLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExtractionLeaseOwner",
                table: "document_versions",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ExtractionLeaseUntil",
                table: "document_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ExtractionReindex",
                table: "document_versions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExtractionLeaseOwner",
                table: "document_versions");

            migrationBuilder.DropColumn(
                name: "ExtractionLeaseUntil",
                table: "document_versions");

            migrationBuilder.DropColumn(
                name: "ExtractionReindex",
                table: "document_versions");
        }
    }
}
