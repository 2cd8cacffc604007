using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>Member ids across two nodes sharing Redis: unique, and each frame carries the right one.</summary>
public sealed class RedisMemberIdTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static string MemberId(JsonElement frame) => frame.GetProperty("payload").GetProperty("memberId").GetString()!;

    [Fact]
    public async Task Member_ids_are_unique_across_nodes_and_peer_frames_carry_them()
    {
        await using var cluster = await RelayCluster.StartAsync(fixture.Redis, 2);
        await using var host = await cluster[0].ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION" });
        var created = await host.ExpectAsync("SESSION_CREATED");
        var code = created.GetProperty("sessionId").GetString()!;
        await using var viewerA = await cluster[0].ConnectAsync();
        await using var viewerB = await cluster[1].ConnectAsync();

        var joinedA = await viewerA.JoinAsync(code);
        var peerA = await host.ExpectAsync("PEER_JOINED");
        var joinedB = await viewerB.JoinAsync(code);
        var peerBAtHost = await host.ExpectAsync("PEER_JOINED");
        var peerBAtA = await viewerA.ExpectAsync("PEER_JOINED");
        await viewerB.SendAsync(new { type = "LEAVE_SESSION" });
        var leftB = await host.ExpectAsync("PEER_LEFT");

        Assert.Equal(3, new[] { MemberId(created), MemberId(joinedA), MemberId(joinedB) }.Distinct().Count());
        Assert.Equal(MemberId(joinedA), MemberId(peerA));
        Assert.Equal(MemberId(joinedB), MemberId(peerBAtHost));
        Assert.Equal(MemberId(joinedB), MemberId(peerBAtA));
        Assert.Equal(MemberId(joinedB), MemberId(leftB));
    }
}
