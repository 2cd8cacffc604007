using System.Diagnostics;
using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>
/// Starts the server itself and times process start to the first accepted WebSocket connection. The server is
/// a published native executable (Native AOT), or a framework-dependent <c>.dll</c>, which is started with <c>dotnet</c>.
/// </summary>
internal sealed class StartupScenario(string serverPath, int port)
{
    public async Task<Dictionary<string, object?>> RunAsync(CancellationToken ct)
    {
        var url = new Uri($"ws://127.0.0.1:{port}/");
        // Compile the probe's own path first, so that only the server's start-up is timed.
        try { (await RawWsClient.ConnectAsync(url, null, ct)).Abort(); throw new InvalidOperationException($"port {port} is already in use"); }
        catch (IOException) { }

        var isDll = serverPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var psi = isDll ? new ProcessStartInfo("dotnet", [serverPath]) : new ProcessStartInfo(Path.GetFullPath(serverPath));
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.Environment["PORT"] = port.ToString();
        var start = Stopwatch.GetTimestamp();
        using var server = Process.Start(psi) ?? throw new InvalidOperationException("could not start the server");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        double? readyMs = null;
        try
        {
            while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(20) && !server.HasExited)
            {
                try
                {
                    var c = await RawWsClient.ConnectAsync(url, null, ct);
                    readyMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    c.Abort();
                    break;
                }
                catch (IOException)
                {
                    await Task.Delay(2, ct);
                }
            }
            var rss = server.HasExited ? -1 : ProcStats.RssKib(server.Id);
            // CPU time is steadier than wall time on a shared machine: it says what start-up costs, not how long it waited.
            var cpuMs = server.HasExited ? -1 : ProcStats.CpuMicroseconds(server.Id) / 1000;
            Report.Line($"startup ({serverPath}): first WebSocket accepted {readyMs:F0} ms after process start, {cpuMs:F0} ms of CPU; RSS then {rss / 1024.0:F1} MiB");
            return new Dictionary<string, object?> { ["server"] = isDll ? "jit" : "aot", ["startup_ms"] = readyMs is { } r ? Report.Round(r, 0) : null, ["cpu_ms_at_ready"] = cpuMs, ["rss_at_ready_kib"] = rss };
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}
