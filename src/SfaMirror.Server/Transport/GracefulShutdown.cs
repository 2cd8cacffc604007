using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>
/// On SIGTERM: Kestrel stops accepting, and this closes every open connection with 1012 (service restart)
/// so clients reconnect, then waits a bounded time for them to go. The closing starts on
/// ApplicationStopping, before any hosted service stops: Kestrel stops first and would otherwise wait out
/// its whole shutdown timeout for the upgraded connections, then cut them without a close frame.
/// </summary>
public sealed partial class GracefulShutdown(
    ConnectionTracker tracker,
    IHostApplicationLifetime lifetime,
    IOptions<RelayOptions> options,
    ILogger<GracefulShutdown> logger) : IHostedService
{
    private int _closing;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    private void CloseAll()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        Log.ShuttingDown(logger, tracker.Count);
        foreach (var connection in tracker.Snapshot())
        {
            connection.Close(CloseCodes.ServiceRestart);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        CloseAll();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.ShutdownCloseTimeoutSeconds));
        try
        {
            while (tracker.Count > 0)
            {
                await Task.Delay(20, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Whatever is still open is cut off when the server stops.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ShuttingDown, LogLevel.Information, "Shutting down: closing {Connections} connections with 1012")]
        public static partial void ShuttingDown(ILogger logger, int connections);
    }
}
