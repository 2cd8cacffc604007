using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>Registers the Redis session store (chosen when <c>Relay:Redis</c> is set).</summary>
internal static class RedisBackplaneExtensions
{
    public static IServiceCollection AddRedisBackplane(this IServiceCollection services)
    {
        services.AddOptions<StoreOptions>()
            .Validate(o => IsValidConnectionString(o.Redis), "Relay:Redis is not a valid StackExchange.Redis connection string")
            .Validate(o => o.NodeLeaseSeconds > o.SweepIntervalSeconds, "NodeLeaseSeconds must be longer than SweepIntervalSeconds");
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<StoreOptions>>().Value.RedisKeyPrefix));
        services.AddSingleton<RedisConnection>();
        services.AddSingleton(sp => new RedisEventDispatcher(sp.GetRequiredService<ISessionEventSink>, sp.GetRequiredService<ILogger<RedisEventDispatcher>>()));
        services.AddSingleton<RedisSessionSubscriptions>();
        services.AddSingleton<ISessionSubscriptions>(sp => sp.GetRequiredService<RedisSessionSubscriptions>());
        services.AddSingleton<RedisSessionStore>();
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<RedisSessionStore>());
        services.AddSingleton<IJoinGuard, RedisJoinGuard>();
        // Before the transport's GracefulShutdown: hosted services stop in reverse order, so the lease is
        // dropped only after every local member has left.
        services.AddHostedService<RedisNodeLease>();
        return services;
    }

    private static bool IsValidConnectionString(string? value)
    {
        try
        {
            return ConfigurationOptions.Parse(value!).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
