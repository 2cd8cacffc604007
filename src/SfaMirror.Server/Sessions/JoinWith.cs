namespace SfaMirror.Server.Sessions;

/// <summary><see cref="SessionOptions.JoinWith"/>: what a viewer must present to join.</summary>
internal enum JoinWith
{
    /// <summary>The six-character code (or a join key), as the original server.</summary>
    Code,
    /// <summary>A join key from <c>CREATE_JOIN_LINK</c>; a typed code alone gets <c>JOIN_KEY_REQUIRED</c>.</summary>
    Link,
}
