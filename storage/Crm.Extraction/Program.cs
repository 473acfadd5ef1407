using System.Text;
using System.Text.Json;
using Crm.Extraction;

// The extraction worker: one request per stdin line, one result per stdout line, until stdin closes.
// Everything else a library might print goes to stderr, so the protocol stream stays clean.
var protocolOut = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
Console.SetOut(Console.Error);
var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
var tools = ExternalTools.Detect();
var wallClock = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("CRM_EXTRACTION_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : 60);

Write(new WorkerReady(true, tools.PdfToText is not null, tools.CanOcr, tools.OcrLanguages));
while (input.ReadLine() is { } line)
{
    if (line.Length == 0)
    {
        continue;
    }

    var request = JsonSerializer.Deserialize<ExtractionRequest>(line, ExtractionProtocol.Json)!;
    Write(TextExtractor.Extract(request, tools, wallClock));
}

void Write<T>(T value)
{
    protocolOut.Write(JsonSerializer.Serialize(value, ExtractionProtocol.Json));
    protocolOut.Write('\n');
    protocolOut.Flush();
}
