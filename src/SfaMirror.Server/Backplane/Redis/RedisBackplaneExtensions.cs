namespace SfaMirror.Server.Backplane.Redis;

/// <summary>Registers the Redis session store (chosen when <c>Relay:Redis</c> is set).</summary>
public static class RedisBackplaneExtensions
{
    public static IServiceCollection AddRedisBackplane(this IServiceCollection services) =>
        throw new NotSupportedException("The Redis backplane is not built yet; leave Relay:Redis empty.");
}
