using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CounterpartyMasterDataRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LiftReason",
                table: "counterparty_blocks",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LiftedBy",
                table: "counterparty_blocks",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SetBy",
                table: "counterparty_blocks",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RetiredBy",
                table: "bank_accounts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "RetiredOn",
                table: "bank_accounts",
                type: "date",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LiftReason",
                table: "counterparty_blocks");

            migrationBuilder.DropColumn(
                name: "LiftedBy",
                table: "counterparty_blocks");

            migrationBuilder.DropColumn(
                name: "SetBy",
                table: "counterparty_blocks");

            migrationBuilder.DropColumn(
                name: "RetiredBy",
                table: "bank_accounts");

            migrationBuilder.DropColumn(
                name: "RetiredOn",
                table: "bank_accounts");
        }
    }
}
