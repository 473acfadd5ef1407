using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
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
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Last = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_counters", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "complaint_settings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    NumberPattern = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ConsumerDays = table.Column<int>(type: "INTEGER", nullable: false),
                    BusinessDays = table.Column<int>(type: "INTEGER", nullable: false),
                    WarnDaysBefore = table.Column<int>(type: "INTEGER", nullable: false),
                    FourEyesThreshold = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    ApproverGroup = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HandlingGroup = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CostTypes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_settings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "complaints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    CounterpartyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    AgainstType = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AgainstNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    AgainstDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ProductCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ProductName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    AgainstDocumentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReceivedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DefectDescription = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Demand = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ClaimedAmount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Decision = table.Column<int>(type: "INTEGER", nullable: false),
                    Justification = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    AnswerChannel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Deadline = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    HandlingGroup = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RegisteredBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FolderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "complaint_costs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    By = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
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
