using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MailAccountsAndMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "mail_accounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Group = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ImapHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ImapPort = table.Column<int>(type: "INTEGER", nullable: false),
                    ImapSecurity = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SmtpHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    SmtpPort = table.Column<int>(type: "INTEGER", nullable: false),
                    SmtpSecurity = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ImportFolder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    MoveToFolder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ImportEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    DocumentFolderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUid = table.Column<long>(type: "INTEGER", nullable: false),
                    LeasedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LastRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastRunImported = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Archived = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "mail_messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    MessageKey = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MessageIdHeader = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    InReplyTo = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    References = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Cc = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Date = table.Column<long>(type: "INTEGER", nullable: false),
                    Preview = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    EmlDocumentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CounterpartyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ActivityId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MatchedBy = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Uid = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    HandledBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_mail_messages_mail_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "mail_accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "mail_attachments",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_attachments", x => new { x.MessageId, x.DocumentId });
                    table.ForeignKey(
                        name: "FK_mail_attachments_mail_messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "mail_messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_mail_accounts_Name",
                table: "mail_accounts",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_AccountId",
                table: "mail_messages",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_CaseId",
                table: "mail_messages",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_ContentHash",
                table: "mail_messages",
                column: "ContentHash");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_CounterpartyId",
                table: "mail_messages",
                column: "CounterpartyId");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_Direction_MessageKey",
                table: "mail_messages",
                columns: new[] { "Direction", "MessageKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_MessageIdHeader",
                table: "mail_messages",
                column: "MessageIdHeader");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_State_NextAttemptAt",
                table: "mail_messages",
                columns: new[] { "State", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mail_attachments");

            migrationBuilder.DropTable(
                name: "mail_messages");

            migrationBuilder.DropTable(
                name: "mail_accounts");
        }
    }
}
