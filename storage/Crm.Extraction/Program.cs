using System.Text;
using System.Text.Json;
using Crm.Extraction;

// The extraction worker: one request per stdin line, one result per stdout line, until stdin closes.
// Everything else a library might print goes to stderr, so the protocol stream stays clean.
var protocolOut = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
Console.SetOut(Console.Error);
var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
var tools = ExternalTools.Detect();

Write(new WorkerReady(true, tools.PdfToText is not null, tools.CanOcr, tools.OcrLanguages));
while (input.ReadLine() is { } line)
{
    if (line.Length == 0)
    {
        continue;
    }

    var request = JsonSerializer.Deserialize<ExtractionRequest>(line, ExtractionProtocol.Json)!;
    // The supervisor kills the worker a little after this; the readers stop their tools at it.
    Write(TextExtractor.Extract(request, tools, TimeSpan.FromSeconds(Math.Max(1, request.TimeoutSeconds))));
}

void Write<T>(T value)
{
    protocolOut.Write(JsonSerializer.Serialize(value, ExtractionProtocol.Json));
    protocolOut.Write('\n');
    protocolOut.Flush();
}
