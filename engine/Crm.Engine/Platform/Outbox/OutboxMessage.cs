using Crm.Platform.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Platform.Outbox;

/// <summary>
/// A change that must reach something outside the database (today: the search index on every node),
/// written in the same transaction as the change. Readers keep their own position (the index stores it
/// in its commit), so delivery is at least once and every node gets every message.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Topic { get; set; }
    public Guid EntityId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A document changed: re-index it (the documents module's own topic; other modules' topics are their <c>ISearchSource</c>s').</summary>
    public const string IndexDocument = "index.document";
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.Topic).HasMaxLength(100);
    }
}
