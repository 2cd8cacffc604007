using Microsoft.Extensions.Options;
namespace SfaMirror.Server.Sessions;

/// <summary>The protocol state machine of each connection, the local hub, event delivery and the lifecycle sweep.</summary>
internal static class SessionsServiceCollectionExtensions
{
    public static IServiceCollection AddSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(RelaySection.Name)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SessionOptions>, SessionOptionsValidator>();
        services.AddOptions<HostAuthOptions>().Bind(configuration.GetSection($"{RelaySection.Name}:{HostAuthOptions.Section}")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HostAuthOptions>, HostAuthOptionsValidator>();
        services.AddSingleton<IValidateOptions<HostAuthOptions>, HostAuthKeysValidator>();
        services.AddSingleton<HostTokenValidator>();
        services.AddSingleton<SessionCodeGenerator>();
        services.AddSingleton<SessionHub>();
        services.AddSingleton<PendingResumeTokens>();
        services.AddSingleton<Backplane.ISessionEventSink, SessionEventDelivery>();
        services.AddSingleton<IConnectionHandlerFactory, ClientSessionFactory>();
        services.AddHostedService<SessionLifecycleService>();
        return services;
    }
}
