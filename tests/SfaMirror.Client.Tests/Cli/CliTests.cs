using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests.Cli;

/// <summary>The <c>sfa-mirror</c> commands, run in-process against the real relay.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Customer_sent_from_the_command_line_is_printed_by_the_joined_terminal()
    {
        await using var server = await RelayServer.StartAsync();
        var url = server.WebSocketUri.ToString();
        await using var create = CliRun.Start("create", "--url", url);
        var code = (await create.NextEventAsync("created")).GetProperty("sessionId").GetString()!;
        await using var join = CliRun.Start("join", code, "--url", url);
        await join.NextEventAsync("joined");

        var send = await CliRun.RunAsync("send", "customer", """{"name":"Ada","id":123456789012345678901234567890}""", "--session", code, "--url", url);

        Assert.Equal(0, await send.Exit);
        var ack = await send.NextEventAsync("ack");
        Assert.Equal(2, ack.GetProperty("delivered").GetInt32());
        var update = await join.NextEventAsync("customer");
        Assert.Equal(code, update.GetProperty("sessionId").GetString());
        Assert.Equal("""{"name":"Ada","id":123456789012345678901234567890}""", update.GetProperty("payload").GetRawText());
        Assert.Equal("Ada", (await create.NextEventAsync("customer")).GetProperty("payload").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Joining_late_prints_the_current_state_after_the_joined_line()
    {
        await using var server = await RelayServer.StartAsync();
        var url = server.WebSocketUri.ToString();
        var create = await CliRun.RunAsync("create", "--exit", "--url", url);
        var created = await create.NextEventAsync("created");
        var code = created.GetProperty("sessionId").GetString()!;
        var token = created.GetProperty("resumeToken").GetString()!;
        var path = Path.Combine(Path.GetTempPath(), $"sfa-mirror-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"sku":"X-1"}""");
        try
        {
            var send = await CliRun.RunAsync("send", "product", "@" + path, "--session", code, "--resume-token", token, "--url", url);
            Assert.Equal(0, await send.Exit);
        }
        finally
        {
            File.Delete(path);
        }

        await using var join = CliRun.Start("join", code, "--url", url);

        Assert.Equal("joined", (await join.NextJsonAsync()).GetProperty("event").GetString());
        var product = await join.NextJsonAsync();
        Assert.Equal("product", product.GetProperty("event").GetString());
        Assert.Equal("X-1", product.GetProperty("payload").GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Send_with_the_created_content_key_seals_the_state_as_the_encrypted_sessions_host()
    {
        await using var server = await RelayServer.StartAsync();
        var url = server.WebSocketUri.ToString();
        var create = await CliRun.RunAsync("create", "--e2e", "--exit", "--url", url);
        var created = await create.NextEventAsync("created");
        var code = created.GetProperty("sessionId").GetString()!;
        var token = created.GetProperty("resumeToken").GetString()!;
        var key = created.GetProperty("contentKey").GetString()!;

        var send = await CliRun.RunAsync("send", "customer", """{"name":"Ada"}""", "--session", code, "--resume-token", token,
            "--content-key", key, "--generation", created.GetProperty("generation").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), "--url", url);
        Assert.Equal(0, await send.Exit);

        await using var spy = await server.ConnectAsync();
        await spy.SendAsync(new { type = "JOIN_SESSION", sessionId = code, payload = new { resumeToken = token } });
        await spy.ExpectAsync("SESSION_JOINED");
        var stored = (await spy.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload");
        Assert.Equal(1, stored.GetProperty("e2e").GetInt32());
        Assert.DoesNotContain("Ada", stored.GetRawText(), StringComparison.Ordinal);
        await using var host = await server.ConnectClientAsync();
        await host.JoinSessionAsync(new JoinOptions { SessionId = code, ResumeToken = token, ContentKey = key }).Within();
        Assert.Equal("""{"name":"Ada"}""", (await host.RequestCustomerAsync().Within())!.Value.GetRawText());
    }

    [Fact]
    public async Task Join_leaves_and_exits_when_its_input_ends()
    {
        await using var server = await RelayServer.StartAsync();
        var url = server.WebSocketUri.ToString();
        await using var create = CliRun.Start("create", "--url", url);
        var code = (await create.NextEventAsync("created")).GetProperty("sessionId").GetString()!;
        await using var join = CliRun.Start("join", code, "--url", url);
        await join.NextEventAsync("joined");

        join.Input!.End();

        Assert.Equal(0, await join.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        var left = await create.NextEventAsync("peer_left");
        Assert.Equal("left", left.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Ping_prints_each_round_trip_and_a_summary()
    {
        await using var server = await RelayServer.StartAsync();

        var ping = await CliRun.RunAsync("ping", "--count", "3", "--interval", "0", "--url", server.WebSocketUri.ToString());

        Assert.Equal(0, await ping.Exit);
        for (var i = 1; i <= 3; i++)
        {
            var pong = await ping.NextJsonAsync();
            Assert.Equal("pong", pong.GetProperty("event").GetString());
            Assert.Equal(i, pong.GetProperty("seq").GetInt32());
        }
        Assert.Equal(3, (await ping.NextEventAsync("ping_summary")).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Sending_to_an_unknown_session_fails_with_exit_code_1()
    {
        await using var server = await RelayServer.StartAsync();

        var send = await CliRun.RunAsync("send", "customer", "{}", "--session", "ZZZZZZ", "--url", server.WebSocketUri.ToString());

        Assert.Equal(1, await send.Exit);
        Assert.Contains("SESSION_NOT_FOUND", send.Error.Text);
        Assert.Equal("", send.Output.Text);
    }

    [Fact]
    public async Task Sending_invalid_json_fails_with_exit_code_2_before_connecting()
    {
        var send = await CliRun.RunAsync("send", "customer", "{name:", "--session", "ABCDEF", "--url", "ws://127.0.0.1:9/");

        Assert.Equal(2, await send.Exit);
        Assert.Contains("not usable JSON", send.Error.Text);
    }

    [Fact]
    public async Task Unreachable_relay_fails_with_exit_code_1()
    {
        var ping = await CliRun.RunAsync("ping", "--url", "ws://127.0.0.1:9/", "--timeout", "2");

        Assert.Equal(1, await ping.Exit);
        Assert.Contains("cannot reach", ping.Error.Text);
    }
}
