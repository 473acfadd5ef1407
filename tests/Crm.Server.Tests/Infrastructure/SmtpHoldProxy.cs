using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Crm.Server.Tests.Infrastructure;

/// <summary>
/// A TCP proxy in front of the SMTP server that, while <see cref="Hold"/> is set, forwards a session only up to its
/// DATA command and then holds it: the message is never accepted, exactly as when the sender dies mid-transfer.
/// By default a session holds when it began while Hold was set; <c>live</c> proxies check Hold at every DATA, so a long
/// session (a mailing on one connection) stops at its next message.
/// </summary>
public sealed class SmtpHoldProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private int _held;

    private readonly bool _live;

    private SmtpHoldProxy(string host, int port, bool live) => (_host, _port, _live) = (host, port, live);

    private volatile bool _hold;

    public bool Hold
    {
        get => _hold;
        set => _hold = value;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int HeldSessions => Volatile.Read(ref _held);

    public static SmtpHoldProxy Start(string host, int port, bool live = false)
    {
        var proxy = new SmtpHoldProxy(host, port, live);
        proxy._listener.Start();
        _ = proxy.AcceptAsync();
        return proxy;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = RelayAsync(client, Hold);
        }
    }

    private async Task RelayAsync(TcpClient client, bool hold)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_host, _port, _stop.Token);
                var down = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                await ForwardAsync(client.GetStream(), upstream.GetStream(), hold);
                await down;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // a side closed: the session is over
            }
        }
    }

    private async Task ForwardAsync(NetworkStream from, NetworkStream to, bool hold)
    {
        var buffer = new byte[64 * 1024];
        var seen = new StringBuilder();
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
                return;
            }

            if (hold || (_live && Hold))
            {
                seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                var sent = seen.ToString();
                if (_live)
                {
                    seen.Clear().Append(sent[Math.Max(0, sent.Length - 8)..]);   // only the latest command matters
                }

                if (sent.Contains("\r\nDATA\r\n", StringComparison.Ordinal) || sent.StartsWith("DATA\r\n", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _held);
                    await Task.Delay(Timeout.Infinite, _stop.Token);   // never passes DATA on
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }
}
