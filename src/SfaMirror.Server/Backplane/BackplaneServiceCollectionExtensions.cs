using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SfaMirror.Server.Backplane.InMemory;
using SfaMirror.Server.Backplane.Redis;

namespace SfaMirror.Server.Backplane;

/// <summary>Chooses where sessions live: in this process's memory, or in Redis when <c>Relay:Redis</c> is set.</summary>
internal static class BackplaneServiceCollectionExtensions
{
    /// <remarks>Registered before the transport: hosted services stop in reverse order, so a Redis node drops its
    /// lease only after the transport closed every local connection.</remarks>
    public static IServiceCollection AddBackplane(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(RelaySection.Name)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NodeIdentity>();
        if (string.IsNullOrWhiteSpace(configuration[$"{RelaySection.Name}:{nameof(StoreOptions.Redis)}"]))
        {
            services.AddSingleton<ISessionStore, InMemorySessionStore>();
            services.AddSingleton<ISessionSubscriptions, InMemorySessionSubscriptions>();
            services.AddSingleton<IJoinGuard, InMemoryJoinGuard>();
        }
        else
        {
            services.AddRedisBackplane();
        }
        return services;
    }
}
