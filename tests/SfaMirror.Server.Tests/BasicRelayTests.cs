using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests;

public sealed class BasicRelayTests
{
    [Fact]
    public async Task Created_session_relays_customer_to_a_joined_viewer()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectAsync();
        await using var viewer = await server.ConnectAsync();

        var (code, _) = await host.CreateSessionAsync();
        var joined = await viewer.JoinAsync(code.ToLowerInvariant());
        Assert.Equal(code, joined.GetProperty("sessionId").GetString());
        Assert.Equal("viewer", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
        await host.ExpectAsync("PEER_JOINED");

        await host.SendTextAsync($$$"""{"type":"VIEW_CUSTOMER","sessionId":"{{{code}}}","payload":{"id":123456789012345678901234567890,"name":"Ada"}}""");
        var update = await viewer.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal("""{"id":123456789012345678901234567890,"name":"Ada"}""", update.GetProperty("payload").GetRawText());
        Assert.Equal(1, update.GetProperty("seq").GetInt64());
        await host.ExpectNothingAsync();
    }
}
