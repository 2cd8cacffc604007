namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>One redis-server per test class; each test gets its own key prefix, so tests never see each other's keys.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServerProcess Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await Redis.DisposeAsync();
}
