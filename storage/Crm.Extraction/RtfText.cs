using System.Text;

namespace Crm.Extraction;

/// <summary>
/// Visible text of an RTF file: control words dropped, groups that hold no text (font and colour tables,
/// pictures, \* destinations) skipped, \'hh escapes decoded in the document's code page (\ansicpg, Polish files
/// say 1250), \uN escapes as Unicode. Enough for search; layout is not kept.
/// </summary>
public static class RtfText
{
    private static readonly HashSet<string> SkippedGroups = ["fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "themedata", "colorschememapping", "datastore", "latentstyles", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "header", "footer"];

    public static void Read(Stream content, TextSink sink, int maxChars)
    {
        var limit = (int)Math.Min(content.Length, Math.Min((long)maxChars * 8, int.MaxValue - 64));
        var bytes = new byte[limit];
        content.ReadExactly(bytes);
        var encoding = Charsets.ByName("windows-1252")!;
        var skipDepth = -1;   // the depth of the group being skipped, -1 for none
        var depth = 0;
        var pendingBytes = new List<byte>();
        var skipAfterUnicode = 0;
        var unicodeSkip = 1;
        var unicodeSkips = new Stack<int>();
        void Flush()
        {
            if (pendingBytes.Count > 0)
            {
                sink.Append(encoding.GetString([.. pendingBytes]));
                pendingBytes.Clear();
            }
        }

        for (var i = 0; i < bytes.Length && !sink.Full; i++)
        {
            var c = (char)bytes[i];
            switch (c)
            {
                case '{':
                    depth++;
                    unicodeSkips.Push(unicodeSkip);   // \uc applies to its group
                    // "{\*\dest ..." is an optional destination a reader may ignore.
                    if (skipDepth < 0 && i + 2 < bytes.Length && bytes[i + 1] == '\\' && bytes[i + 2] == '*')
                    {
                        skipDepth = depth;
                    }

                    continue;
                case '}':
                    if (depth == skipDepth)
                    {
                        skipDepth = -1;
                    }

                    depth--;
                    unicodeSkip = unicodeSkips.Count > 0 ? unicodeSkips.Pop() : 1;
                    continue;
                case '\\':
                    break;
                case '\r' or '\n':
                    continue;
                default:
                    if (skipDepth < 0)
                    {
                        if (skipAfterUnicode > 0)
                        {
                            skipAfterUnicode--;
                        }
                        else if (c >= 0x80)
                        {
                            pendingBytes.Add((byte)c);   // a raw 8-bit byte is in the document's code page too
                        }
                        else
                        {
                            Flush();
                            sink.Append(c);
                        }
                    }

                    continue;
            }

            // A control word, symbol or escape after the backslash.
            if (i + 1 >= bytes.Length)
            {
                break;
            }

            var next = (char)bytes[i + 1];
            if (next == '\'' && i + 3 < bytes.Length)
            {
                if (skipDepth < 0 && skipAfterUnicode == 0 && byte.TryParse(Encoding.ASCII.GetString(bytes, i + 2, 2), System.Globalization.NumberStyles.HexNumber, null, out var value))
                {
                    pendingBytes.Add(value);
                }
                else if (skipAfterUnicode > 0)
                {
                    skipAfterUnicode--;
                }

                i += 3;
                continue;
            }

            if (!char.IsAsciiLetter(next))
            {
                if (skipDepth < 0 && next is '\\' or '{' or '}')
                {
                    Flush();
                    sink.Append(next);
                }
                else if (skipDepth < 0 && next == '~')
                {
                    sink.Append(' ');
                }

                i++;
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < bytes.Length && char.IsAsciiLetter((char)bytes[end]))
            {
                end++;
            }

            var word = Encoding.ASCII.GetString(bytes, start, end - start);
            var numberStart = end;
            if (end < bytes.Length && (bytes[end] == '-' || char.IsAsciiDigit((char)bytes[end])))
            {
                end++;
                while (end < bytes.Length && char.IsAsciiDigit((char)bytes[end]))
                {
                    end++;
                }
            }

            int.TryParse(Encoding.ASCII.GetString(bytes, numberStart, end - numberStart), System.Globalization.CultureInfo.InvariantCulture, out var parameter);
            if (end < bytes.Length && bytes[end] == ' ')
            {
                end++;   // the delimiter space belongs to the control word
            }

            i = end - 1;
            if (SkippedGroups.Contains(word) && skipDepth < 0)
            {
                skipDepth = depth;
                continue;
            }

            if (skipDepth >= 0)
            {
                continue;
            }

            switch (word)
            {
                case "bin" when parameter > 0:
                    i += parameter;   // binary data (a picture) follows: not text
                    break;
                case "ansicpg":
                    encoding = Charsets.ByName($"windows-{parameter}") ?? encoding;
                    break;
                case "uc":
                    unicodeSkip = Math.Max(0, parameter);
                    break;
                case "u":
                    Flush();
                    sink.Append(((char)(parameter < 0 ? parameter + 65536 : parameter)).ToString());
                    skipAfterUnicode = unicodeSkip;
                    break;
                case "par" or "line" or "row" or "sect" or "page":
                    Flush();
                    sink.Break();
                    break;
                case "tab" or "cell":
                    Flush();
                    sink.Break(' ');
                    break;
            }
        }

        Flush();
    }
}
