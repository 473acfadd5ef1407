using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CorrespondenceRegisterAndCaseNumbers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "FailingAttempts",
                table: "mail_accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "FailingUid",
                table: "mail_accounts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Number",
                table: "cases",
                type: "TEXT",
                maxLength: 30,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_counters",
                columns: table => new
                {
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Last = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_counters", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "correspondence",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CounterpartyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Department = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ReplyToId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AnsweredById = table.Column<Guid>(type: "TEXT", nullable: true),
                    AnswerDeadline = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DeadlineRemindedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MailId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RegisteredBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "correspondence_counters",
                columns: table => new
                {
                    Direction = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Last = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence_counters", x => new { x.Direction, x.Year });
                });

            migrationBuilder.CreateTable(
                name: "correspondence_documents",
                columns: table => new
                {
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence_documents", x => new { x.EntryId, x.DocumentId });
                    table.ForeignKey(
                        name: "FK_correspondence_documents_correspondence_EntryId",
                        column: x => x.EntryId,
                        principalTable: "correspondence",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Number",
                table: "cases",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_CounterpartyId",
                table: "correspondence",
                column: "CounterpartyId");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_Date",
                table: "correspondence",
                column: "Date");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_Direction_Year_Sequence",
                table: "correspondence",
                columns: new[] { "Direction", "Year", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_MailId",
                table: "correspondence",
                column: "MailId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_Number",
                table: "correspondence",
                column: "Number",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_counters");

            migrationBuilder.DropTable(
                name: "correspondence_counters");

            migrationBuilder.DropTable(
                name: "correspondence_documents");

            migrationBuilder.DropTable(
                name: "correspondence");

            migrationBuilder.DropIndex(
                name: "IX_cases_Number",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "FailingAttempts",
                table: "mail_accounts");

            migrationBuilder.DropColumn(
                name: "FailingUid",
                table: "mail_accounts");

            migrationBuilder.DropColumn(
                name: "Number",
                table: "cases");
        }
    }
}
