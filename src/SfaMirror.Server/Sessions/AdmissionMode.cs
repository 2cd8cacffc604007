namespace SfaMirror.Server.Sessions;

/// <summary><see cref="SessionOptions.Admission"/>: whether viewers wait for the host in every session.</summary>
internal enum AdmissionMode
{
    /// <summary>As the original server: a viewer with the code is in at once, unless its session asked for admission.</summary>
    Open,
    /// <summary>Every session admits its viewers one by one (docs/protocol.md, "Admission").</summary>
    Host,
}
