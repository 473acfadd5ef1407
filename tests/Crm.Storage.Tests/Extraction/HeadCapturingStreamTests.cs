using Crm.Storage.Extraction;
using Xunit;

namespace Crm.Storage.Tests.Extraction;

/// <summary>The upload pass-through: the head for sniffing, the whole content only when it is small enough.</summary>
public sealed class HeadCapturingStreamTests
{
    [Theory]
    [InlineData(1000, true)]
    [InlineData(2 * 1024 * 1024, true)]
    [InlineData(3_000_000, false)]   // too long: nothing kept (not an empty copy)
    public async Task KeepsTheWholeContent_OnlyUpToTheLimit(int size, bool kept)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var head = new HeadCapturingStream(new MemoryStream(data), keepUpTo: 2 * 1024 * 1024);
        var buffer = new byte[81920];
        while (await head.ReadAsync(buffer) > 0)
        {
        }

        Assert.Equal(data[..Math.Min(size, ContentSniffer.HeadLength)], head.Head.ToArray());
        if (kept)
        {
            Assert.Equal(data, head.Kept!.Value.ToArray());
        }
        else
        {
            Assert.Null(head.Kept);
        }
    }

    [Fact]
    public async Task StopsKeeping_WhenTheHeadSaysThereIsNoText()
    {
        var data = new byte[100_000];
        new Random(7).NextBytes(data);
        var head = new HeadCapturingStream(new MemoryStream(data), keepUpTo: 2 * 1024 * 1024, keepIf: first => first[0] == 0x25);
        var buffer = new byte[4096];
        while (await head.ReadAsync(buffer) > 0)
        {
        }

        Assert.Equal(data[0] == 0x25, head.Kept is not null);
    }
}
