using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MarketingAccessRights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "access_rights",
                columns: new[] { "Id", "ChangedAt", "ChangedBy", "ObjectType", "Rights", "Subject" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-4000-8000-000100000101"), 1309329653760000000L, null, "campaign", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000102"), 1309329653760000000L, null, "survey", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000103"), 1309329653760000000L, null, "loyalty", 23, "everyone" },
                    { new Guid("00000000-0000-4000-8000-000100000104"), 1309329653760000000L, null, "campaign", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000105"), 1309329653760000000L, null, "survey", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000106"), 1309329653760000000L, null, "loyalty", 31, "role:admin" },
                    { new Guid("00000000-0000-4000-8000-000100000107"), 1309329653760000000L, null, "campaign", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000108"), 1309329653760000000L, null, "survey", 31, "role:process-owner" },
                    { new Guid("00000000-0000-4000-8000-000100000109"), 1309329653760000000L, null, "loyalty", 31, "role:process-owner" }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000101"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000102"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000103"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000104"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000105"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000106"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000107"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000108"));

            migrationBuilder.DeleteData(
                table: "access_rights",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-4000-8000-000100000109"));
        }
    }
}
