using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>
/// Builds one recipient's message: placeholders filled from the values taken at the start, a plain-text part and a
/// simple HTML part (the text escaped, paragraphs, links), the unsubscribe link in both and in the
/// List-Unsubscribe headers (RFC 8058 one click), and with tracking on the open pixel and signed click links.
/// </summary>
public sealed partial class MailingComposer(MailingLinks links)
{
    public static readonly IReadOnlyList<string> Placeholders =
        ["person.salutation", "person.firstName", "person.lastName", "person.name", "person.email", "counterparty.name", "counterparty.city", "campaign.name"];

    [GeneratedRegex(@"\{\{\s*([A-Za-z.]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Link();

    public static string Fill(string template, IReadOnlyDictionary<string, string?> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value ?? "" : m.Value);

    /// <summary>Placeholders the text uses that the mailing does not know (shown before sending).</summary>
    public static IReadOnlyList<string> Unknown(string text) =>
        [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct().Where(p => !Placeholders.Contains(p))];

    public static string ValuesJson(IReadOnlyDictionary<string, string?> values) => JsonSerializer.Serialize(values);

    public static Dictionary<string, string?> ValuesOf(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [];

    public MimeMessage Compose(Mailing mailing, MailingRecipient recipient, MailboxAddress from, Uri baseUrl)
    {
        var values = ValuesOf(recipient.Values);
        var subject = Fill(mailing.Subject, values);
        var text = Fill(mailing.Body, values);
        var unsubscribe = new Uri(baseUrl, "m/u/" + links.Token(recipient.Id, MailingLinks.Unsubscribe)).ToString();
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(values.GetValueOrDefault("person.name"), recipient.Email ?? throw new InvalidOperationException("A recipient without an address is skipped, never composed.")));
        message.Subject = subject;
        message.MessageId = recipient.MessageId;
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Precedence", "bulk");
        var footer = $"\n\n--\nUnsubscribe / Wypisz się: {unsubscribe}";
        var body = new BodyBuilder { TextBody = text + footer, HtmlBody = Html(text, recipient, mailing.Tracking, baseUrl, unsubscribe) };
        message.Body = body.ToMessageBody();
        return message;
    }

    private string Html(string text, MailingRecipient recipient, bool tracking, Uri baseUrl, string unsubscribe)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        var index = 0;
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            var escaped = WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal);
            escaped = Link().Replace(escaped, m =>
            {
                var href = tracking ? new Uri(baseUrl, "m/c/" + links.Token(recipient.Id, MailingLinks.Click, index)).ToString() : m.Value;
                index++;
                return $"<a href=\"{href}\">{m.Value}</a>";
            });
            html.Append("<p>").Append(escaped).Append("</p>");
        }

        html.Append("<hr><p style=\"font-size:small;color:#666\"><a href=\"").Append(WebUtility.HtmlEncode(unsubscribe)).Append("\">Unsubscribe / Wypisz się</a></p>");
        if (tracking)
        {
            html.Append("<img src=\"").Append(new Uri(baseUrl, "m/o/" + links.Token(recipient.Id, MailingLinks.Open))).Append("\" width=\"1\" height=\"1\" alt=\"\">");
        }

        return html.Append("</body></html>").ToString();
    }

    /// <summary>The links of the text in order (HTML-escaped the same way as in <see cref="Html"/>), for a click link's redirect.</summary>
    public static IReadOnlyList<string> LinksOf(string body, IReadOnlyDictionary<string, string?> values)
    {
        var text = Fill(body, values).Replace("\r\n", "\n", StringComparison.Ordinal);
        return [.. text.Split("\n\n").SelectMany(p => Link().Matches(WebUtility.HtmlEncode(p).Replace("\n", "<br>", StringComparison.Ordinal))
            .Select(m => WebUtility.HtmlDecode(m.Value)))];
    }
}
