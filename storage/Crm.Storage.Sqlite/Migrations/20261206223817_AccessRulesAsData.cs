using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AccessRulesAsData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "access_field_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_field_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "access_record_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Scope = table.Column<int>(type: "INTEGER", nullable: false),
                    Conditions = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_record_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "access_rights",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Rights = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_rights", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "access_field_rules",
                columns: new[] { "Id", "ChangedAt", "ChangedBy", "Field", "Level", "ObjectType", "Subject" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-4000-8000-000300000001"), 1309329653760000000L, null, "*sensitive", 2, "counterparty", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000002"), 1309329653760000000L, null, "*sensitive", 2, "person", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000003"), 1309329653760000000L, null, "*sensitive", 2, "case", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000004"), 1309329653760000000L, null, "*sensitive", 2, "counterparty", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000005"), 1309329653760000000L, null, "*sensitive", 2, "person", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000006"), 1309329653760000000L, null, "*sensitive", 2, "case", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000007"), 1309329653760000000L, null, "*sensitive", 2, "counterparty", "group:finance" },
                    { new Guid("00000000-0000-4000-8000-000300000008"), 1309329653760000000L, null, "*sensitive", 2, "person", "group:finance" },
                    { new Guid("00000000-0000-4000-8000-000300000009"), 1309329653760000000L, null, "*sensitive", 2, "case", "group:finance" },
                    { new Guid("00000000-0000-4000-8000-000300000010"), 1309329653760000000L, null, "bankAccounts", 1, "counterparty", "everyone" },
                    { new Guid("00000000-0000-4000-8000-000300000011"), 1309329653760000000L, null, "bankAccounts", 2, "counterparty", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000012"), 1309329653760000000L, null, "bankAccounts", 2, "counterparty", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000013"), 1309329653760000000L, null, "bankAccounts", 2, "counterparty", "group:finance" }
                });

            migrationBuilder.InsertData(
                table: "access_record_rules",
                columns: new[] { "Id", "ChangedAt", "ChangedBy", "Conditions", "Scope", "Subject" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-4000-8000-000200000001"), 1309329653760000000L, null, null, 0, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000200000002"), 1309329653760000000L, null, null, 0, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000200000003"), 1309329653760000000L, null, null, 0, "role:compliance" },
                    { new Guid("00000000-0000-4000-8000-000200000004"), 1309329653760000000L, null, null, 1, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000200000005"), 1309329653760000000L, null, null, 2, "everyone" }
                });

            migrationBuilder.InsertData(
                table: "access_rights",
                columns: new[] { "Id", "ChangedAt", "ChangedBy", "ObjectType", "Rights", "Subject" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-4000-8000-000100000001"), 1309329653760000000L, null, "counterparty", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000002"), 1309329653760000000L, null, "person", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000003"), 1309329653760000000L, null, "case", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000004"), 1309329653760000000L, null, "complaint", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000005"), 1309329653760000000L, null, "counterparty", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000006"), 1309329653760000000L, null, "person", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000007"), 1309329653760000000L, null, "case", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000008"), 1309329653760000000L, null, "complaint", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000009"), 1309329653760000000L, null, "counterparty", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000010"), 1309329653760000000L, null, "person", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000011"), 1309329653760000000L, null, "case", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000012"), 1309329653760000000L, null, "complaint", 31, "role:process-owner" }
                });

            migrationBuilder.CreateIndex(
                name: "IX_access_field_rules_Subject_ObjectType_Field",
                table: "access_field_rules",
                columns: new[] { "Subject", "ObjectType", "Field" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_access_record_rules_Subject",
                table: "access_record_rules",
                column: "Subject");

            migrationBuilder.CreateIndex(
                name: "IX_access_rights_Subject_ObjectType",
                table: "access_rights",
                columns: new[] { "Subject", "ObjectType" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "access_field_rules");

            migrationBuilder.DropTable(
                name: "access_record_rules");

            migrationBuilder.DropTable(
                name: "access_rights");
        }
    }
}
