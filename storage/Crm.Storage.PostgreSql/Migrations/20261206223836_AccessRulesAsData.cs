using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Crm.Storage.PostgreSql.Migrations
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Subject = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    ObjectType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Field = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_field_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "access_record_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Subject = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Scope = table.Column<int>(type: "integer", nullable: false),
                    Conditions = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_record_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "access_rights",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Subject = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    ObjectType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Rights = table.Column<int>(type: "integer", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
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
                    { new Guid("00000000-0000-4000-8000-000300000001"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "counterparty", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000002"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "person", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000003"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "case", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000004"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "counterparty", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000005"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "person", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000006"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "case", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000007"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "counterparty", "group:finance" },
                    { new Guid("00000000-0000-4000-8000-000300000008"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "person", "group:finance" },
                    { new Guid("00000000-0000-4000-8000-000300000009"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "*sensitive", 2, "case", "group:finance" },
                    { new Guid("00000000-0000-4000-8000-000300000010"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "bankAccounts", 1, "counterparty", "everyone" },
                    { new Guid("00000000-0000-4000-8000-000300000011"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "bankAccounts", 2, "counterparty", "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000300000012"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "bankAccounts", 2, "counterparty", "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000300000013"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "bankAccounts", 2, "counterparty", "group:finance" }
                });

            migrationBuilder.InsertData(
                table: "access_record_rules",
                columns: new[] { "Id", "ChangedAt", "ChangedBy", "Conditions", "Scope", "Subject" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-4000-8000-000200000001"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, 0, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000200000002"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, 0, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000200000003"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, 0, "role:compliance" },
                    { new Guid("00000000-0000-4000-8000-000200000004"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, 1, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000200000005"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, 2, "everyone" }
                });

            migrationBuilder.InsertData(
                table: "access_rights",
                columns: new[] { "Id", "ChangedAt", "ChangedBy", "ObjectType", "Rights", "Subject" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-4000-8000-000100000001"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "counterparty", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000002"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "person", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000003"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "case", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000004"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "complaint", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000005"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "counterparty", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000006"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "person", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000007"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "case", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000008"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "complaint", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000009"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "counterparty", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000010"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "person", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000011"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "case", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000012"), new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "complaint", 31, "role:process-owner" }
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
