using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DocumentValidity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CounterpartyId",
                table: "documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "ExpiryRemindedFor",
                table: "documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "ValidFrom",
                table: "documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "ValidTo",
                table: "documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_documents_CounterpartyId",
                table: "documents",
                column: "CounterpartyId");

            migrationBuilder.CreateIndex(
                name: "IX_documents_ValidTo",
                table: "documents",
                column: "ValidTo");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_documents_CounterpartyId",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "IX_documents_ValidTo",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "CounterpartyId",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "ExpiryRemindedFor",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "ValidFrom",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "ValidTo",
                table: "documents");
        }
    }
}
