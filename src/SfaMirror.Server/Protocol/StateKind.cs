namespace SfaMirror.Server.Protocol;

/// <summary>The two pieces of mirrored state a session holds.</summary>
internal enum StateKind : byte
{
    Customer = 0,
    Product = 1,
}

internal static class StateKinds
{
    public static string MessageType(StateKind kind) =>
        kind == StateKind.Customer ? MessageTypes.ViewCustomer : MessageTypes.ViewProduct;
}
