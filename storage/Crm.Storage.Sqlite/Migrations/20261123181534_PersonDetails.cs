using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
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
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Family",
                table: "persons",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Gender",
                table: "persons",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hobbies",
                table: "persons",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameDay",
                table: "persons",
                type: "TEXT",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PrivateAddress",
                table: "persons",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Remarks",
                table: "persons",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "persons",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Roles",
                table: "persons",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SuperiorId",
                table: "persons",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "person_contacts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Private = table.Column<bool>(type: "INTEGER", nullable: false)
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
