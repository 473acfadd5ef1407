using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddDecisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "decision_definitions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: false),
                    XmlHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DeployedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeployedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_decision_definitions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "decision_evaluations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DecisionKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ElementId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    IsTest = table.Column<bool>(type: "INTEGER", nullable: false),
                    Inputs = table.Column<string>(type: "TEXT", nullable: false),
                    MatchedRules = table.Column<string>(type: "TEXT", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_decision_evaluations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_decision_definitions_Key_Version",
                table: "decision_definitions",
                columns: new[] { "Key", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_decision_evaluations_DecisionKey_At",
                table: "decision_evaluations",
                columns: new[] { "DecisionKey", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_decision_evaluations_InstanceId",
                table: "decision_evaluations",
                column: "InstanceId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "decision_definitions");

            migrationBuilder.DropTable(
                name: "decision_evaluations");
        }
    }
}
