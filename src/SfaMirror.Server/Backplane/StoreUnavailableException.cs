namespace SfaMirror.Server.Backplane;

/// <summary>Thrown by a store that cannot reach its backing service (Redis); the client gets <c>STORE_UNAVAILABLE</c>.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
