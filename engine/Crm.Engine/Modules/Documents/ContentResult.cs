using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Crm.Modules.Documents;

/// <summary>
/// A version's bytes as the response: with their length (browsers show how much of a download is left, and the
/// response is not chunked), read from the object store straight into the response's own buffers (no copy through
/// a buffer of ours), and never completed when the store sends fewer bytes than the version has.
/// </summary>
internal sealed class ContentResult(Stream content, string contentType, string? downloadName, long length) : IResult
{
    // Large enough that a 50 MB file is a few hundred writes, small enough for many downloads at once.
    private const int ChunkBytes = 256 * 1024;

    public async Task ExecuteAsync(HttpContext http)
    {
        await using var source = content;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = length;
        if (downloadName is not null)
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(downloadName);
            response.Headers.ContentDisposition = disposition.ToString();
        }

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        long sent;
        try
        {
            sent = await CopyAsync(source, response.BodyWriter, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;   // the client went away; its register row stays, as it was written before the first byte
        }

        if (sent < length)
        {
            // The store ended early: cut the connection, so the client sees a broken download, not a complete short file.
            http.Abort();
        }
    }

    private async Task<long> CopyAsync(Stream source, System.IO.Pipelines.PipeWriter writer, CancellationToken cancellation)
    {
        var sent = 0L;
        while (sent < length)
        {
            var memory = writer.GetMemory((int)Math.Min(ChunkBytes, length - sent));
            var read = await source.ReadAsync(memory[..(int)Math.Min(memory.Length, length - sent)], cancellation);
            if (read == 0)
            {
                break;
            }

            writer.Advance(read);
            sent += read;
            if ((await writer.FlushAsync(cancellation)).IsCanceled)
            {
                break;
            }
        }

        return sent;
    }
}
