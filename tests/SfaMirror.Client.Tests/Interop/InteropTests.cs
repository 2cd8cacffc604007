using System.Text.Json;
using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests.Interop;

/// <summary>
/// Issue 17's acceptance: a TypeScript host with .NET viewers and a .NET host with TypeScript viewers, in an encrypted
/// session across two relay nodes sharing one real redis-server: the viewer reads the customer, a late joiner too, and
/// after a kick the kicked member cannot read what follows.
/// </summary>
public sealed class InteropTests
{
    private static readonly CreateSessionOptions Encrypted = new() { Encrypted = true };

    [Fact]
    public async Task A_TypeScript_host_pairs_with_NET_viewers_on_another_node()
    {
        var redis = await SharedRedis.GetAsync();
        await using var cluster = await RelayCluster.StartAsync(redis, 2);
        await using var host = await JsPeer.StartAsync(cluster[0].WebSocketUri, "host", customerJson: """{"name":"Ada"}""");
        var code = (await host.NextAsync("created")).GetProperty("sessionId").GetString()!;
        await host.NextAsync("sent");
        await using var viewer = await cluster[1].ConnectClientAsync();
        await using var late = await cluster[0].ConnectClientAsync();

        var first = await PairWithJsHostAsync(host, viewer, code);
        Assert.Equal("Ada", (await first.Customer.Within()).Payload.GetProperty("name").GetString());

        var second = await PairWithJsHostAsync(host, late, code);
        Assert.Equal("Ada", (await second.Customer.Within()).Payload.GetProperty("name").GetString());

        // A member admitted without pairing, to see the ciphertexts the relay relays after the kick.
        await using var spy = await cluster[1].ConnectAsync();
        await spy.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        var spyId = (await spy.ExpectAsync("JOIN_PENDING")).GetProperty("payload").GetProperty("memberId").GetString()!;
        await host.SendAsync(new { cmd = "admit", memberId = spyId });
        await host.NextAsync("admitted");
        await spy.SkipUntilAsync("VIEW_CUSTOMER");
        var kickedKeys = viewer.E2e!;
        var ended = Waits.Next<SessionEndedEvent>(h => viewer.SessionEnded += h);
        var grace = Waits.Next<StateUpdatedEvent>(h => late.CustomerChanged += h, e => e.Payload.GetProperty("name").GetString() == "Grace");

        await host.SendAsync(new { cmd = "kick", memberId = first.MemberId });
        await host.NextAsync("kicked");
        Assert.Equal(SessionEndedEvent.Kicked, (await ended.Within()).Reason);
        await host.SendAsync(new { cmd = "customer", payload = new { name = "Grace" } });
        await host.NextAsync("sent");

        Assert.Equal("Grace", (await grace.Within()).Payload.GetProperty("name").GetString());
        var sealedGrace = await NextSealedCustomerAsync(spy, late);
        Assert.True(sealedGrace.GetProperty("g").GetInt64() > 0, $"not a new generation: {sealedGrace}");
        Assert.False(kickedKeys.Open(StateKind.Customer, sealedGrace, null, hold: false)!.IsOpen);
    }

    [Fact]
    public async Task A_NET_host_pairs_with_TypeScript_viewers_on_another_node()
    {
        var redis = await SharedRedis.GetAsync();
        await using var cluster = await RelayCluster.StartAsync(redis, 2);
        await using var host = await cluster[0].ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await host.SendCustomerAsync(new { name = "Ada" }).Within();

        await using var viewer = await JsPeer.StartAsync(cluster[1].WebSocketUri, "viewer", created.SessionId);
        var viewerId = await PairWithNetHostAsync(host, viewer);
        Assert.Equal("Ada", (await viewer.NextAsync("customer")).GetProperty("payload").GetProperty("name").GetString());

        await using var late = await JsPeer.StartAsync(cluster[0].WebSocketUri, "viewer", created.SessionId);
        await PairWithNetHostAsync(host, late);
        Assert.Equal("Ada", (await late.NextAsync("customer")).GetProperty("payload").GetProperty("name").GetString());

        await host.KickAsync(viewerId).Within();
        Assert.Equal("kicked", (await viewer.NextAsync("ended")).GetProperty("reason").GetString());
        Assert.Equal("Ada", (await late.NextAsync("customer")).GetProperty("payload").GetProperty("name").GetString()); // re-sealed under G+1
        await host.SendCustomerAsync(new { name = "Grace" }).Within();

        Assert.Equal("Grace", (await late.NextAsync("customer")).GetProperty("payload").GetProperty("name").GetString());
        var afterKick = await viewer.DrainAsync(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(afterKick, e => e.GetProperty("event").GetString() == "customer");
        Assert.Equal(1, host.E2e!.Generation);
    }

    private sealed record NetViewer(string MemberId, Task<StateUpdatedEvent> Customer);

    /// <summary>A .NET viewer joins the TypeScript host's session; both show the same digits; the host admits it.</summary>
    private static async Task<NetViewer> PairWithJsHostAsync(JsPeer host, MirrorClient viewer, string code)
    {
        var pairing = Waits.Next<PairingEvent>(h => viewer.Pairing += h);
        var customer = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
        var join = viewer.JoinSessionAsync(code);
        var onViewer = await pairing.Within();
        var onHost = await host.NextAsync("pairing");
        var memberId = onHost.GetProperty("memberId").GetString()!;
        Assert.Equal(onHost.GetProperty("code").GetString(), onViewer.Code);
        await host.SendAsync(new { cmd = "admit", memberId });
        await host.NextAsync("admitted");
        var joined = await join.Within();
        Assert.True(joined.Encrypted);
        Assert.Equal(memberId, joined.MemberId);
        return new NetViewer(memberId, customer);
    }

    /// <summary>A TypeScript viewer waits; both show the same digits; the .NET host admits it. Its member id.</summary>
    private static async Task<string> PairWithNetHostAsync(MirrorClient host, JsPeer viewer)
    {
        var memberId = (await viewer.NextAsync("pending")).GetProperty("memberId").GetString()!;
        var onViewer = (await viewer.NextAsync("pairing")).GetProperty("code").GetString();
        var onHost = host.E2e!.ComparisonOf(memberId);
        for (var i = 0; onHost is null && i < 100; i++)
        {
            await Task.Delay(50);
            onHost = host.E2e!.ComparisonOf(memberId);
        }
        Assert.Equal(onHost, onViewer);
        await host.AdmitAsync(memberId).Within();
        await viewer.NextAsync("joined");
        return memberId;
    }

    /// <summary>The spy's next VIEW_CUSTOMER that the remaining viewer opens as Grace.</summary>
    private static async Task<JsonElement> NextSealedCustomerAsync(TestClient spy, MirrorClient remaining)
    {
        while (true)
        {
            var payload = (await spy.SkipUntilAsync("VIEW_CUSTOMER")).GetProperty("payload");
            if (remaining.E2e!.Open(StateKind.Customer, payload, null, hold: false) is { IsOpen: true } opened
                && opened.Payload.GetProperty("name").GetString() == "Grace")
            {
                return payload;
            }
        }
    }
}
