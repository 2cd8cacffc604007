using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>
/// On SIGTERM: closes every open connection with 1012 (service restart) so clients reconnect, then waits a
/// bounded time for them to go. This runs in <see cref="StoppingAsync"/>, before any hosted service stops:
/// Kestrel's own stop waits (up to the host's shutdown timeout, 30 s) for upgraded connections to end, so
/// closing them from <c>StopAsync</c>, after Kestrel, came too late and clients saw 1006 instead.
/// </summary>
internal sealed partial class GracefulShutdown(ConnectionTracker tracker, IOptions<TransportOptions> options, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Log.ShuttingDown(logger, tracker.Count);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.ShutdownCloseTimeoutSeconds));
        try
        {
            while (tracker.Count > 0)
            {
                // A connection accepted while shutdown began is closed too (Close is idempotent);
                // RelayWebSocketEndpoint refuses new ones from now on.
                foreach (var connection in tracker.Snapshot())
                {
                    connection.Close(CloseCodes.ServiceRestart);
                }
                await Task.Delay(20, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Whatever is still open is cut off when the server stops.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventIds.ShuttingDown, LogLevel.Information, "Shutting down: closing {Connections} connections with 1012")]
        public static partial void ShuttingDown(ILogger logger, int connections);
    }
}
