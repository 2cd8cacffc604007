using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Observability;

/// <summary>The relay's log is written to stdout; whoever reads it (a terminal, a container's log driver) may stall.</summary>
public sealed class LogOutputTests
{
    // Every CREATE_SESSION logs a line of about 110 bytes: 1,500 of them are well past a 64 KiB pipe and a
    // console-logger queue cut to 16 lines, where a blocking logger would hold the relay's thread.
    private const int SessionsCreated = 1500;

    [Fact]
    public async Task Relay_keeps_relaying_while_nobody_reads_its_log()
    {
        await using var relay = await StartWithUnreadLogAsync();
        await using var host = await TestClient.ConnectAsync(relay.WebSocketUri);
        var code = await CreateManySessionsAsync(host);

        await using var viewer = await TestClient.ConnectAsync(relay.WebSocketUri);
        await viewer.JoinAsync(code);
        await host.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { customerId = "C-42" } });
        var relayed = await viewer.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal("C-42", relayed.GetProperty("payload").GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task Log_says_how_many_lines_it_dropped_once_it_is_read_again()
    {
        await using var relay = await StartWithUnreadLogAsync();
        await using var host = await TestClient.ConnectAsync(relay.WebSocketUri);
        await CreateManySessionsAsync(host);

        relay.ReadOutput();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!relay.Output.Contains("dropped", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            // The count is written with the first line logged after room is made.
            await host.CreateSessionAsync();
            await Task.Delay(100);
        }
        Assert.Contains("message(s) dropped", relay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_shuts_down_on_SIGTERM_while_nobody_reads_its_log()
    {
        await using var relay = await StartWithUnreadLogAsync();
        await using var host = await TestClient.ConnectAsync(relay.WebSocketUri);
        await CreateManySessionsAsync(host);

        Assert.True(await relay.TerminateAsync(TimeSpan.FromSeconds(10)), "the relay did not exit within 10 s of SIGTERM");
        Assert.Equal(1012, (int?)await host.WaitClosedAsync());
    }

    private static Task<RelayProcess> StartWithUnreadLogAsync() =>
        RelayProcess.StartInMemoryAsync(readOutput: false,
            ("Logging__Console__MaxQueueLength", "16"),
            ("Relay__MessagesPerSecond", "100000"),
            ("Relay__MessageBurst", "100000"));

    /// <returns>The last session's code.</returns>
    private static async Task<string> CreateManySessionsAsync(TestClient host)
    {
        var code = "";
        for (var i = 0; i < SessionsCreated; i++)
        {
            (code, _) = await host.CreateSessionAsync();
        }
        return code;
    }
}
