namespace SfaMirror.Server.Sessions;

/// <summary>Creates the handler of a new connection.</summary>
internal interface IConnectionHandlerFactory
{
    IConnectionHandler Create(IClientConnection connection);
}
