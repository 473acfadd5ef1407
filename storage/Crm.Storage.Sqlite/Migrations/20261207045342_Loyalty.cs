using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Loyalty : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "loyalty_programmes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastMemberNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_programmes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "loyalty_members",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgrammeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CounterpartyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    JoinedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    JoinedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_members", x => x.Id);
                    table.ForeignKey(
                        name: "FK_loyalty_members_loyalty_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "loyalty_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "loyalty_point_types",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgrammeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ExpiryMonths = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_point_types", x => x.Id);
                    table.ForeignKey(
                        name: "FK_loyalty_point_types_loyalty_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "loyalty_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loyalty_rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgrammeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    PointType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Price = table.Column<int>(type: "INTEGER", nullable: false),
                    Stock = table.Column<int>(type: "INTEGER", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_rewards", x => x.Id);
                    table.CheckConstraint("ck_loyalty_rewards_stock", "\"Stock\" >= 0");
                    table.ForeignKey(
                        name: "FK_loyalty_rewards_loyalty_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "loyalty_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loyalty_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgrammeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    PointType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: false),
                    PerAmount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_rules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_loyalty_rules_loyalty_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "loyalty_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loyalty_balances",
                columns: table => new
                {
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PointType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_balances", x => new { x.MemberId, x.PointType });
                    table.CheckConstraint("ck_loyalty_balances_points", "\"Points\" >= 0");
                    table.ForeignKey(
                        name: "FK_loyalty_balances_loyalty_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "loyalty_members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "loyalty_operations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgrammeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    PointType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SourceKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RewardOrderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    By = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_operations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_loyalty_operations_loyalty_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "loyalty_members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "loyalty_reward_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgrammeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RewardId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: false),
                    PointType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    OrderedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    OrderedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loyalty_reward_orders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_loyalty_reward_orders_loyalty_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "loyalty_members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_members_CounterpartyId",
                table: "loyalty_members",
                column: "CounterpartyId");

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_members_ProgrammeId_CounterpartyId",
                table: "loyalty_members",
                columns: new[] { "ProgrammeId", "CounterpartyId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_members_ProgrammeId_Number",
                table: "loyalty_members",
                columns: new[] { "ProgrammeId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_operations_MemberId_At",
                table: "loyalty_operations",
                columns: new[] { "MemberId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_operations_SourceKey",
                table: "loyalty_operations",
                column: "SourceKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_point_types_ProgrammeId_Code",
                table: "loyalty_point_types",
                columns: new[] { "ProgrammeId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_programmes_Code",
                table: "loyalty_programmes",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_reward_orders_MemberId_OrderedAt",
                table: "loyalty_reward_orders",
                columns: new[] { "MemberId", "OrderedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_reward_orders_RewardId",
                table: "loyalty_reward_orders",
                column: "RewardId");

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_rewards_ProgrammeId",
                table: "loyalty_rewards",
                column: "ProgrammeId");

            migrationBuilder.CreateIndex(
                name: "IX_loyalty_rules_ProgrammeId_Trigger",
                table: "loyalty_rules",
                columns: new[] { "ProgrammeId", "Trigger" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "loyalty_balances");

            migrationBuilder.DropTable(
                name: "loyalty_operations");

            migrationBuilder.DropTable(
                name: "loyalty_point_types");

            migrationBuilder.DropTable(
                name: "loyalty_reward_orders");

            migrationBuilder.DropTable(
                name: "loyalty_rewards");

            migrationBuilder.DropTable(
                name: "loyalty_rules");

            migrationBuilder.DropTable(
                name: "loyalty_members");

            migrationBuilder.DropTable(
                name: "loyalty_programmes");
        }
    }
}
