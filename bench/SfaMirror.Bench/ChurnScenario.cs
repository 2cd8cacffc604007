using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>Workers loop: connect a host, create, connect a viewer, join, one update delivered, close both.</summary>
internal sealed class ChurnScenario(Target target, int workers)
{
    private static readonly byte[] Update = "{\"type\":\"VIEW_CUSTOMER\",\"payload\":{\"id\":\"churn\"}}"u8.ToArray();
    private long _cycles, _errors;
    private volatile bool _counting;

    public async Task<Dictionary<string, object?>> RunAsync(double warmupSeconds, double measureSeconds, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop.Token), ct)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds), ct);
        var cpu = new CpuWindow(target.ServerPid);
        Interlocked.Exchange(ref _cycles, 0);
        _counting = true;
        cpu.Start();
        await Task.Delay(TimeSpan.FromSeconds(measureSeconds), ct);
        var cycles = Interlocked.Read(ref _cycles);
        cpu.Stop();
        _counting = false;
        stop.Cancel();
        await Task.WhenAll(loops);
        var perSecond = cycles / cpu.Seconds;
        Report.Line($"churn: {workers} workers, {perSecond:F0} cycles/s, server {cpu.ServerPercent:F0}% CPU = {cpu.ServerMicroseconds / Math.Max(1, cycles):F0} us/cycle ({cpu.ServerKernelMicroseconds / Math.Max(1, cycles):F0} in the kernel), generator {cpu.SelfPercent:F0}%, errors {_errors}");
        return new Dictionary<string, object?>
        {
            ["workers"] = workers,
            ["cycles"] = cycles,
            ["cycles_per_s"] = Report.Round(perSecond, 0),
            ["server_us_per_cycle"] = cycles > 0 ? Report.Round(cpu.ServerMicroseconds / cycles, 1) : null,
            ["server_kernel_us_per_cycle"] = cycles > 0 ? Report.Round(cpu.ServerKernelMicroseconds / cycles, 1) : null,
            ["generator_us_per_cycle"] = cycles > 0 ? Report.Round(cpu.SelfMicroseconds / cycles, 1) : null,
            ["server_cpu_pct"] = Report.Round(cpu.ServerPercent, 1),
            ["generator_cpu_pct"] = Report.Round(cpu.SelfPercent, 1),
            ["machine_saturated"] = cpu.MachineSaturated,
            ["generator_saturated"] = cpu.MachineSaturated && cpu.SelfPercent >= cpu.ServerPercent,
            ["errors"] = Interlocked.Read(ref _errors),
        };
    }

    private async Task WorkerAsync(int worker, CancellationToken ct)
    {
        var index = worker;
        while (!ct.IsCancellationRequested)
        {
            RawWsClient? host = null, viewer = null;
            try
            {
                // One bound for the whole cycle, so that a stuck server cannot hang the generator.
                var deadline = TimeSpan.FromSeconds(10);
                host = await target.ConnectAsync(index += workers, ct).WaitAsync(deadline, ct);
                var code = await host.CreateSessionAsync().WaitAsync(deadline, ct);
                viewer = await target.ConnectAsync(index += workers, ct).WaitAsync(deadline, ct);
                await viewer.JoinAsync(code).WaitAsync(deadline, ct);
                var update = viewer.ExpectAsync("VIEW_CUSTOMER");
                host.Send(Update);
                await update.WaitAsync(deadline, ct);
                await Task.WhenAll(host.CloseAsync(), viewer.CloseAsync());
                if (_counting) Interlocked.Increment(ref _cycles);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _errors);
                host?.Abort();
                viewer?.Abort();
            }
            catch (Exception)
            {
                // The run is over; whatever the stop interrupted (a cancelled wait, an aborted connect) is not an error.
                host?.Abort();
                viewer?.Abort();
            }
        }
    }
}
