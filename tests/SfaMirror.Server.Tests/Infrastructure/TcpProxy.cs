using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of a real server, to cut the network between the relay and Redis
/// without Redis losing its data: while cut, open connections are dropped and new ones are closed at once.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private volatile bool _cut;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>The network is down: every connection is dropped and new ones are refused.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var client in _open.Keys)
        {
            Drop(client);
        }
    }

    public void Restore() => _cut = false;

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                if (_cut)
                {
                    inbound.Dispose();
                    continue;
                }
                _ = PumpAsync(inbound);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        _open[inbound] = 0;
        _open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var a = inbound.GetStream().CopyToAsync(outbound.GetStream(), _stop.Token);
            var b = outbound.GetStream().CopyToAsync(inbound.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            Drop(inbound);
            Drop(outbound);
        }
    }

    private void Drop(TcpClient client)
    {
        if (!_open.TryRemove(client, out _))
        {
            return;
        }
        try
        {
            // Reset rather than close: like a network that went away, not a peer that said goodbye.
            client.Client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
