using SfaMirror.Server.Observability;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "Lifecycle": creation, end and deletion are logged, so is a periodic summary; payloads never are.</summary>
public abstract class LoggingTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : LoggingTests(StoreKind.Memory);

    public sealed class OnRedis() : LoggingTests(StoreKind.Redis);

    private static async Task WaitForLogAsync(CapturedLogs logs, int eventId, string? containing = null)
    {
        var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
        while (!logs.Entries.Any(e => e.Id.Id == eventId && (containing is null || e.Message.Contains(containing, StringComparison.Ordinal))))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No log entry {eventId} {containing}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Session_creation_is_logged_with_its_code()
    {
        var logs = new CapturedLogs();
        await using var server = await StartRelayAsync(logs);
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        await WaitForLogAsync(logs, EventIds.SessionCreated, code);
    }

    [Fact]
    public async Task Session_end_by_its_host_is_logged()
    {
        var logs = new CapturedLogs();
        await using var server = await StartRelayAsync(logs);
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendTextAsync("""{"type":"END_SESSION"}""");

        await WaitForLogAsync(logs, EventIds.SessionEnded, code);
    }

    [Fact]
    public async Task Session_expiry_is_logged()
    {
        var logs = new CapturedLogs();
        await using var server = await StartRelayAsync(logs, ("IdleSessionMinutes", "0.005"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        await WaitForLogAsync(logs, EventIds.SessionExpired, code);
    }

    [Fact]
    public async Task Session_deletion_after_its_grace_is_logged()
    {
        var logs = new CapturedLogs();
        await using var server = await StartRelayAsync(logs, ("EmptySessionGraceSeconds", "0.1"));
        var (host, code, _) = await server.HostSessionAsync();

        await host.DisposeAsync();

        await WaitForLogAsync(logs, EventIds.SessionDeleted, code);
    }

    [Fact]
    public async Task Summary_of_live_sessions_is_logged_every_SummaryIntervalSeconds()
    {
        var logs = new CapturedLogs();
        await using var server = await StartRelayAsync(logs, ("SummaryIntervalSeconds", "0.2"));
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await WaitForLogAsync(logs, EventIds.SessionSummary, "Sessions=1");
    }

    [Fact]
    public async Task Payloads_are_never_logged_at_any_level()
    {
        var logs = new CapturedLogs();
        await using var server = await StartRelayAsync(logs, ("MaxMessageBytes", "4096"), ("MaxJsonDepth", "8"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        const string secret = "Customer-Secret-4711";

        await host.SendTextAsync($$$$"""{"type":"VIEW_CUSTOMER","payload":{"name":"{{{{secret}}}}"}}""");
        await host.SendTextAsync($$"""{"type":"VIEW_PRODUCT","payload":"{{secret}}","requestId":1}""");
        await host.SendTextAsync($$"""{"type":"PING","payload":"{{secret}}"}""");
        await host.SendTextAsync($$"""{"type":"NOPE","payload":"{{secret}}"}""");
        await host.SendTextAsync($$"""{"type":"PING","payload":[[[[[[[["{{secret}}"]]]]]]]]}""");
        await host.SendTextAsync($$"""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":2}""");
        await host.SkipUntilAsync("VIEW_CUSTOMER");
        await viewer.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":"{{secret}}{{new string('x', 5000)}}"}""");
        await viewer.WaitClosedAsync();
        await host.SkipUntilAsync("PEER_LEFT");

        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal));
    }
}
