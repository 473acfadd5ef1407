using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class PersonDetails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Anniversaries",
                table: "persons",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Family",
                table: "persons",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Gender",
                table: "persons",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hobbies",
                table: "persons",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameDay",
                table: "persons",
                type: "character varying(5)",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PrivateAddress",
                table: "persons",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Remarks",
                table: "persons",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "persons",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Roles",
                table: "persons",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SuperiorId",
                table: "persons",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "person_contacts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Value = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Label = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Private = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person_contacts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_person_contacts_persons_PersonId",
                        column: x => x.PersonId,
                        principalTable: "persons",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_persons_SuperiorId",
                table: "persons",
                column: "SuperiorId");

            migrationBuilder.CreateIndex(
                name: "IX_person_contacts_PersonId",
                table: "person_contacts",
                column: "PersonId");

            migrationBuilder.AddForeignKey(
                name: "FK_persons_persons_SuperiorId",
                table: "persons",
                column: "SuperiorId",
                principalTable: "persons",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_persons_persons_SuperiorId",
                table: "persons");

            migrationBuilder.DropTable(
                name: "person_contacts");

            migrationBuilder.DropIndex(
                name: "IX_persons_SuperiorId",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Anniversaries",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Family",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Gender",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Hobbies",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "NameDay",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "PrivateAddress",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Remarks",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Roles",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "SuperiorId",
                table: "persons");
        }
    }
}
