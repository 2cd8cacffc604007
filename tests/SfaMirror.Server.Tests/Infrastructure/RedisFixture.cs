namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// The run's <see cref="SharedRedis"/>, as a class fixture. Each test gets its own key prefix, so tests never see
/// each other's keys; the fixture never stops the server (a test that needs an outage starts a redis of its own).
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServerProcess Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await SharedRedis.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
