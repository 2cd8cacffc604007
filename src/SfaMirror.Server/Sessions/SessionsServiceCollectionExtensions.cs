using Microsoft.Extensions.Options;
namespace SfaMirror.Server.Sessions;

/// <summary>The protocol state machine of each connection, the local hub, event delivery and the lifecycle sweep.</summary>
internal static class SessionsServiceCollectionExtensions
{
    public static IServiceCollection AddSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(RelaySection.Name)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SessionOptions>, SessionOptionsValidator>();
        services.AddSingleton<SessionCodeGenerator>();
        services.AddSingleton<SessionHub>();
        services.AddSingleton<PendingResumeTokens>();
        services.AddSingleton<Backplane.ISessionEventSink, SessionEventDelivery>();
        services.AddSingleton<IConnectionHandlerFactory, ClientSessionFactory>();
        services.AddHostedService<SessionLifecycleService>();
        return services;
    }
}
