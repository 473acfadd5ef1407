using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CrmFieldsRelationsGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Classification",
                table: "counterparties",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReachedPhase",
                table: "cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "counterparty_groups",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_counterparty_groups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "counterparty_relations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ParentId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChildId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_counterparty_relations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_counterparty_relations_counterparties_ChildId",
                        column: x => x.ChildId,
                        principalTable: "counterparties",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_counterparty_relations_counterparties_ParentId",
                        column: x => x.ParentId,
                        principalTable: "counterparties",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "custom_fields",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Entity = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Label = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    Required = table.Column<bool>(type: "boolean", nullable: false),
                    Pattern = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Min = table.Column<double>(type: "double precision", nullable: true),
                    Max = table.Column<double>(type: "double precision", nullable: true),
                    Options = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    DictionaryKey = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    Sensitive = table.Column<bool>(type: "boolean", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Archived = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custom_fields", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "dictionary_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Dictionary = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Value = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dictionary_entries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "list_preferences",
                columns: table => new
                {
                    UserName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ListKey = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Columns = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_list_preferences", x => new { x.UserName, x.ListKey });
                });

            migrationBuilder.CreateTable(
                name: "counterparty_group_members",
                columns: table => new
                {
                    GroupId = table.Column<Guid>(type: "uuid", nullable: false),
                    CounterpartyId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_counterparty_group_members", x => new { x.GroupId, x.CounterpartyId });
                    table.ForeignKey(
                        name: "FK_counterparty_group_members_counterparties_CounterpartyId",
                        column: x => x.CounterpartyId,
                        principalTable: "counterparties",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_counterparty_group_members_counterparty_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "counterparty_groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "custom_field_values",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FieldId = table.Column<Guid>(type: "uuid", nullable: false),
                    EntityId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Number = table.Column<double>(type: "double precision", nullable: true),
                    Date = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custom_field_values", x => x.Id);
                    table.ForeignKey(
                        name: "FK_custom_field_values_custom_fields_FieldId",
                        column: x => x.FieldId,
                        principalTable: "custom_fields",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_counterparty_group_members_CounterpartyId",
                table: "counterparty_group_members",
                column: "CounterpartyId");

            migrationBuilder.CreateIndex(
                name: "IX_counterparty_groups_Name",
                table: "counterparty_groups",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_counterparty_relations_ChildId",
                table: "counterparty_relations",
                column: "ChildId");

            migrationBuilder.CreateIndex(
                name: "IX_counterparty_relations_ParentId_ChildId",
                table: "counterparty_relations",
                columns: new[] { "ParentId", "ChildId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_custom_field_values_EntityId",
                table: "custom_field_values",
                column: "EntityId");

            migrationBuilder.CreateIndex(
                name: "IX_custom_field_values_FieldId_Date",
                table: "custom_field_values",
                columns: new[] { "FieldId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_custom_field_values_FieldId_Number",
                table: "custom_field_values",
                columns: new[] { "FieldId", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_custom_field_values_FieldId_Text",
                table: "custom_field_values",
                columns: new[] { "FieldId", "Text" });

            migrationBuilder.CreateIndex(
                name: "IX_custom_fields_Entity_Key",
                table: "custom_fields",
                columns: new[] { "Entity", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_dictionary_entries_Dictionary_Value",
                table: "dictionary_entries",
                columns: new[] { "Dictionary", "Value" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "counterparty_group_members");

            migrationBuilder.DropTable(
                name: "counterparty_relations");

            migrationBuilder.DropTable(
                name: "custom_field_values");

            migrationBuilder.DropTable(
                name: "dictionary_entries");

            migrationBuilder.DropTable(
                name: "list_preferences");

            migrationBuilder.DropTable(
                name: "counterparty_groups");

            migrationBuilder.DropTable(
                name: "custom_fields");

            migrationBuilder.DropColumn(
                name: "Classification",
                table: "counterparties");

            migrationBuilder.DropColumn(
                name: "ReachedPhase",
                table: "cases");
        }
    }
}
