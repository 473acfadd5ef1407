using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "FailingUid",
                table: "mail_accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Number",
                table: "cases",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_counters",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Last = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_counters", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "correspondence",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    Direction = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CounterpartyId = table.Column<Guid>(type: "uuid", nullable: true),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    Department = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Subject = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ReplyToId = table.Column<Guid>(type: "uuid", nullable: true),
                    AnsweredById = table.Column<Guid>(type: "uuid", nullable: true),
                    AnswerDeadline = table.Column<DateOnly>(type: "date", nullable: true),
                    DeadlineRemindedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MailId = table.Column<Guid>(type: "uuid", nullable: true),
                    RegisteredBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "correspondence_counters",
                columns: table => new
                {
                    Direction = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Last = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence_counters", x => new { x.Direction, x.Year });
                });

            migrationBuilder.CreateTable(
                name: "correspondence_documents",
                columns: table => new
                {
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    DocumentId = table.Column<Guid>(type: "uuid", nullable: false)
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
