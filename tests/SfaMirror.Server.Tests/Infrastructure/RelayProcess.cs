using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A relay node in a process of its own (<c>dotnet SfaMirror.Server.dll</c>, configured through the
/// environment as in production), so that a test can kill it without a goodbye (SIGKILL).
/// </summary>
public sealed class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RelayProcess(Process process, int port)
    {
        _process = process;
        WebSocketUri = new Uri($"ws://127.0.0.1:{port}/");
    }

    public Uri WebSocketUri { get; }

    public static async Task<RelayProcess> StartAsync(RedisServerProcess redis, string keyPrefix, params (string Key, string Value)[] settings)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "SfaMirror.Server.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["PORT"] = port.ToString();
        info.Environment["Relay__Redis"] = redis.ConnectionString;
        info.Environment["Relay__RedisKeyPrefix"] = keyPrefix;
        foreach (var (key, value) in settings)
        {
            info.Environment[$"Relay__{key}"] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("relay process did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new RelayProcess(process, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(20) || process.HasExited)
            {
                await node.DisposeAsync();
                throw new InvalidOperationException("relay process did not become healthy");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no close frames, no leaving, no lease release.</summary>
    public void Kill() => _process.Kill();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
