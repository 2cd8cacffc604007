namespace SfaMirror.Client.Events;

/// <summary>The two pieces of state a session mirrors.</summary>
public enum StateKind
{
    Customer = 0,
    Product = 1,
}
