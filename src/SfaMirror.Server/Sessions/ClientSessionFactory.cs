using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Sessions;

internal sealed class ClientSessionFactory(
    ISessionStore store,
    SessionHub hub,
    PendingResumeTokens tokens,
    SessionCodeGenerator codes,
    HostTokenValidator hostTokens,
    NodeIdentity node,
    IOptions<SessionOptions> options,
    RelayMetrics metrics,
    ILogger<ClientSession> logger,
    IJoinGuard joinGuard,
    RefusedAddresses refused) : IConnectionHandlerFactory
{
    public IConnectionHandler Create(IClientConnection connection) =>
        new ClientSession(connection, node.NewMemberId(), store, hub, tokens, codes, hostTokens, options.Value, metrics, logger, joinGuard, refused);
}
