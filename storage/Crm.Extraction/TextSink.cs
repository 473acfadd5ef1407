using System.Text;

namespace Crm.Extraction;

/// <summary>
/// Collects extracted text up to a hard character cap. Readers append while they parse and stop as soon as
/// <see cref="Full"/> is set, so a file that expands to gigabytes of text never becomes a gigabyte string.
/// </summary>
public sealed class TextSink(int maxChars)
{
    private readonly StringBuilder _text = new();

    public bool Full { get; private set; }

    public int Length => _text.Length;

    /// <summary>Characters still allowed.</summary>
    public int Room => Math.Max(0, maxChars - _text.Length);

    public bool Append(ReadOnlySpan<char> text)
    {
        if (Full)
        {
            return false;
        }

        var room = maxChars - _text.Length;
        if (text.Length > room)
        {
            // Never cut between the halves of a surrogate pair.
            var take = room > 0 && char.IsHighSurrogate(text[room - 1]) ? room - 1 : room;
            _text.Append(text[..Math.Max(0, take)]);
            Full = true;
            return false;
        }

        _text.Append(text);
        return true;
    }

    public bool Append(char c) => Append([c]);

    /// <summary>A separator (space or line break) unless the text already ends in one.</summary>
    public void Break(char separator = '\n')
    {
        if (_text.Length > 0 && !char.IsWhiteSpace(_text[^1]))
        {
            Append(separator);
        }
    }

    public override string ToString() => _text.ToString();
}
