using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LoyaltyAndSurveys : Migration
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
                name: "survey_types",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_types", x => x.Id);
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
                name: "survey_questions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TypeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Choices = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Dictionary = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    Min = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: true),
                    Max = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_questions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_survey_questions_survey_types_TypeId",
                        column: x => x.TypeId,
                        principalTable: "survey_types",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "survey_templates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TypeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_templates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_survey_templates_survey_types_TypeId",
                        column: x => x.TypeId,
                        principalTable: "survey_types",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
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

            migrationBuilder.CreateTable(
                name: "survey_template_questions",
                columns: table => new
                {
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    QuestionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Required = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_template_questions", x => new { x.TemplateId, x.QuestionId });
                    table.ForeignKey(
                        name: "FK_survey_template_questions_survey_questions_QuestionId",
                        column: x => x.QuestionId,
                        principalTable: "survey_questions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_survey_template_questions_survey_templates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "survey_templates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "surveys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CampaignId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Closed = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_surveys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_surveys_survey_templates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "survey_templates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "survey_responses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SurveyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CounterpartyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    AnsweredBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_responses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_survey_responses_surveys_SurveyId",
                        column: x => x.SurveyId,
                        principalTable: "surveys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "survey_answers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResponseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    QuestionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Number = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_answers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_survey_answers_survey_responses_ResponseId",
                        column: x => x.ResponseId,
                        principalTable: "survey_responses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
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

            migrationBuilder.CreateIndex(
                name: "IX_survey_answers_QuestionId_ResponseId",
                table: "survey_answers",
                columns: new[] { "QuestionId", "ResponseId" });

            migrationBuilder.CreateIndex(
                name: "IX_survey_answers_ResponseId",
                table: "survey_answers",
                column: "ResponseId");

            migrationBuilder.CreateIndex(
                name: "IX_survey_questions_TypeId_Active",
                table: "survey_questions",
                columns: new[] { "TypeId", "Active" });

            migrationBuilder.CreateIndex(
                name: "IX_survey_responses_SurveyId_CounterpartyId",
                table: "survey_responses",
                columns: new[] { "SurveyId", "CounterpartyId" });

            migrationBuilder.CreateIndex(
                name: "IX_survey_responses_SurveyId_PersonId",
                table: "survey_responses",
                columns: new[] { "SurveyId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_survey_template_questions_QuestionId",
                table: "survey_template_questions",
                column: "QuestionId");

            migrationBuilder.CreateIndex(
                name: "IX_survey_templates_TypeId",
                table: "survey_templates",
                column: "TypeId");

            migrationBuilder.CreateIndex(
                name: "IX_survey_types_Name",
                table: "survey_types",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_surveys_CampaignId",
                table: "surveys",
                column: "CampaignId");

            migrationBuilder.CreateIndex(
                name: "IX_surveys_TemplateId",
                table: "surveys",
                column: "TemplateId");
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
                name: "survey_answers");

            migrationBuilder.DropTable(
                name: "survey_template_questions");

            migrationBuilder.DropTable(
                name: "loyalty_members");

            migrationBuilder.DropTable(
                name: "survey_responses");

            migrationBuilder.DropTable(
                name: "survey_questions");

            migrationBuilder.DropTable(
                name: "loyalty_programmes");

            migrationBuilder.DropTable(
                name: "surveys");

            migrationBuilder.DropTable(
                name: "survey_templates");

            migrationBuilder.DropTable(
                name: "survey_types");
        }
    }
}
