using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>
/// On SIGTERM: Kestrel stops accepting, and this closes every open connection with 1012 (service restart)
/// so clients reconnect, then waits a bounded time for them to go.
/// </summary>
public sealed partial class GracefulShutdown(ConnectionTracker tracker, IOptions<RelayOptions> options, ILogger<GracefulShutdown> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var open = tracker.Count;
        Log.ShuttingDown(logger, open);
        foreach (var connection in tracker.Snapshot())
        {
            connection.Close(CloseCodes.ServiceRestart);
        }
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
