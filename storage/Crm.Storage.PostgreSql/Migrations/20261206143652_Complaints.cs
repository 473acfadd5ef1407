using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Complaints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "complaint_counters",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Last = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_counters", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "complaint_settings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    NumberPattern = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ConsumerDays = table.Column<int>(type: "integer", nullable: false),
                    BusinessDays = table.Column<int>(type: "integer", nullable: false),
                    WarnDaysBefore = table.Column<int>(type: "integer", nullable: false),
                    FourEyesThreshold = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    ApproverGroup = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    HandlingGroup = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CostTypes = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_settings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "complaints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    CounterpartyId = table.Column<Guid>(type: "uuid", nullable: true),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    AgainstType = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AgainstNumber = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    AgainstDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ProductCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ProductName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    AgainstDocumentId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReceivedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DefectDescription = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Demand = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ClaimedAmount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Decision = table.Column<int>(type: "integer", nullable: false),
                    Justification = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    DecidedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ApprovedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Resolution = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    AnswerChannel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Deadline = table.Column<DateOnly>(type: "date", nullable: false),
                    HandlingGroup = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Owner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RegisteredBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FolderId = table.Column<Guid>(type: "uuid", nullable: true),
                    InstanceId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "complaint_costs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    By = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_costs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_complaint_costs_complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "complaint_events",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    By = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_complaint_events_complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_complaint_costs_ComplaintId_On",
                table: "complaint_costs",
                columns: new[] { "ComplaintId", "On" });

            migrationBuilder.CreateIndex(
                name: "IX_complaint_events_ComplaintId_At",
                table: "complaint_events",
                columns: new[] { "ComplaintId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_complaints_CounterpartyId_CreatedAt",
                table: "complaints",
                columns: new[] { "CounterpartyId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_complaints_Number",
                table: "complaints",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_complaints_Owner_Status",
                table: "complaints",
                columns: new[] { "Owner", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_complaints_Status_Deadline",
                table: "complaints",
                columns: new[] { "Status", "Deadline" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "complaint_costs");

            migrationBuilder.DropTable(
                name: "complaint_counters");

            migrationBuilder.DropTable(
                name: "complaint_events");

            migrationBuilder.DropTable(
                name: "complaint_settings");

            migrationBuilder.DropTable(
                name: "complaints");
        }
    }
}
