using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>Many sessions and members all sending at once: every update reaches exactly the right members, in order per sender.</summary>
public abstract class ConcurrencyTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : ConcurrencyTests(StoreKind.Memory);

    public sealed class OnRedis() : ConcurrencyTests(StoreKind.Redis);

    private const int Sessions = 100;
    private const int MembersPerSession = 4;
    private const int UpdatesPerMember = 10;

    [Fact]
    public async Task Hundreds_of_members_sending_at_once_each_get_exactly_their_sessions_updates_in_order()
    {
        // Hundreds of joins at once from one address: a join in flight holds a place in the address's
        // failed-join budget until it succeeds (docs/protocol.md, "Errors"), so this test lifts that budget.
        await using var server = await StartRelayAsync(("FailedJoinsPerAddressPerMinute", "100000"), ("FailedJoinsPerAddressPerHour", "100000"));
        var sessions = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(_ => OpenSessionAsync(server)));
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var senders = sessions.SelectMany((members, s) => members.Select((member, m) => Task.Run(async () =>
            {
                await start.Task;
                for (var i = 0; i < UpdatesPerMember; i++)
                {
                    await member.SendTextAsync($$$"""{"type":"VIEW_CUSTOMER","payload":{"s":{{{s}}},"m":{{{m}}},"i":{{{i}}}}}""");
                }
            }))).ToList();
            var receivers = sessions.SelectMany((members, s) => members.Select((member, m) => CheckReceivedAsync(member, s, m))).ToList();

            start.SetResult();
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(15));
            await Task.WhenAll(receivers).WaitAsync(TimeSpan.FromSeconds(15));
            await Task.WhenAll(sessions.SelectMany(members => members).Select(member => member.ExpectNothingAsync(TimeSpan.FromMilliseconds(200))));
        }
        finally
        {
            await Task.WhenAll(sessions.SelectMany(members => members).Select(member => member.DisposeAsync().AsTask()));
        }
    }

    private static async Task<TestClient[]> OpenSessionAsync(RelayServer server)
    {
        var (host, code, _) = await server.HostSessionAsync();
        var members = new List<TestClient> { host };
        for (var v = 1; v < MembersPerSession; v++)
        {
            members.Add(await server.JoinViewerAsync(code, [.. members]));
        }
        return [.. members];
    }

    /// <summary>A member gets every other member's updates, in each sender's order, and nothing of other sessions or its own.</summary>
    private static async Task CheckReceivedAsync(TestClient member, int session, int self)
    {
        var next = new int[MembersPerSession];
        long lastSeq = 0;
        for (var n = 0; n < (MembersPerSession - 1) * UpdatesPerMember; n++)
        {
            var update = await member.ExpectAsync("VIEW_CUSTOMER", TimeSpan.FromSeconds(15));
            var payload = update.GetProperty("payload");
            Assert.Equal(session, payload.GetProperty("s").GetInt32());
            var from = payload.GetProperty("m").GetInt32();
            Assert.NotEqual(self, from);
            Assert.Equal(next[from]++, payload.GetProperty("i").GetInt32());
            var seq = update.GetProperty("seq").GetInt64();
            Assert.True(seq > lastSeq, $"seq {seq} after {lastSeq}");
            lastSeq = seq;
        }
        Assert.All(next.Where((_, m) => m != self), count => Assert.Equal(UpdatesPerMember, count));
    }
}
