using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>docs/protocol.md, "Member ids": every member has an opaque id, its own in its reply, a peer's in PEER_*.</summary>
public sealed class MemberIdTests
{
    private static string MemberId(JsonElement frame) => frame.GetProperty("payload").GetProperty("memberId").GetString()!;

    [Fact]
    public async Task Session_created_carries_the_hosts_member_id()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectAsync();

        await host.SendAsync(new { type = "CREATE_SESSION" });
        var created = await host.ExpectAsync("SESSION_CREATED");

        Assert.False(string.IsNullOrEmpty(MemberId(created)));
    }

    [Fact]
    public async Task Viewer_sees_its_own_id_and_host_sees_the_same_id_in_peer_joined_and_peer_left()
    {
        await using var server = await RelayServer.StartAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();

        var joined = await viewer.JoinAsync(code);
        var peerJoined = await host.ExpectAsync("PEER_JOINED");
        await viewer.SendAsync(new { type = "LEAVE_SESSION" });
        var peerLeft = await host.ExpectAsync("PEER_LEFT");

        Assert.Equal(MemberId(joined), MemberId(peerJoined));
        Assert.Equal(MemberId(joined), MemberId(peerLeft));
    }

    [Fact]
    public async Task Host_id_in_session_created_is_the_one_viewers_see_when_the_host_leaves()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION" });
        var created = await host.ExpectAsync("SESSION_CREATED");
        var code = created.GetProperty("sessionId").GetString()!;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendAsync(new { type = "LEAVE_SESSION" });
        var left = await viewer.ExpectAsync("PEER_LEFT");

        Assert.Equal(MemberId(created), MemberId(left));
    }

    [Fact]
    public async Task Member_ids_do_not_reveal_connection_order()
    {
        await using var server = await RelayServer.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await using var client = await server.ConnectAsync();
            await client.SendAsync(new { type = "CREATE_SESSION" });
            ids.Add(MemberId(await client.ExpectAsync("SESSION_CREATED")));
        }

        // The part after the node prefix is random: not a counter, and at least 64 bits of it.
        var suffixes = ids.Select(id => id[(id.IndexOf('-') + 1)..]).ToList();
        Assert.Equal(3, suffixes.Distinct().Count());
        Assert.All(suffixes, s => Assert.True(s.Length >= 16, s));
        Assert.DoesNotContain(suffixes, s => long.TryParse(s, out var n) && n < 1_000_000);
    }
}
