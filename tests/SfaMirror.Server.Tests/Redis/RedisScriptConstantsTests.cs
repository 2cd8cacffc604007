using SfaMirror.Server.Backplane;
using SfaMirror.Server.Backplane.Redis;
using SfaMirror.Server.Protocol;
using SfaMirror.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace SfaMirror.Server.Tests.Redis;

/// <summary>The numbers the Lua scripts speak are the C# enums' own: evaluated by a real Redis, each name reads back as its enum value.</summary>
public sealed class RedisScriptConstantsTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public Task Lua_statuses_are_the_StoreStatus_values() => AssertTableMatches<StoreStatus>("STATUS");

    [Fact]
    public Task Lua_event_kinds_are_the_SessionEventKind_values() => AssertTableMatches<SessionEventKind>("EVENT");

    [Fact]
    public Task Lua_roles_are_the_MemberRole_values() => AssertTableMatches<MemberRole>("ROLE");

    [Fact]
    public Task Lua_leave_reasons_are_the_LeaveReason_values() => AssertTableMatches<LeaveReason>("LEAVE");

    [Fact]
    public Task Lua_end_reasons_are_the_EndReason_values() => AssertTableMatches<EndReason>("END");

    [Fact]
    public Task Lua_state_kinds_are_the_StateKind_values() => AssertTableMatches<StateKind>("STATE");

    [Fact]
    public Task Lua_host_controls_are_the_HostControl_values() => AssertTableMatches<HostControl>("CONTROL");

    [Fact]
    public void No_script_returns_a_bare_status_number()
    {
        foreach (var script in new[] { RedisScripts.Create, RedisScripts.Join, RedisScripts.Control, RedisScripts.Signal, RedisScripts.CreateJoinLink, RedisScripts.Update, RedisScripts.Read, RedisScripts.End })
        {
            Assert.DoesNotMatch(@"return \{?\d", script);
        }
    }

    [Fact]
    public void No_script_publishes_a_bare_event_number()
    {
        foreach (var script in new[] { RedisScripts.Create, RedisScripts.Join, RedisScripts.Control, RedisScripts.Signal, RedisScripts.Leave, RedisScripts.Update, RedisScripts.End, RedisScripts.Sweep })
        {
            Assert.DoesNotMatch(@"event\(\d", script);
        }
    }

    private async Task AssertTableMatches<T>(string table) where T : struct, Enum
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        foreach (var value in Enum.GetValues<T>())
        {
            var lua = (long)await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.Constants + $"return {table}.{value}");

            Assert.Equal(Convert.ToInt64(value), lua);
        }
    }
}
