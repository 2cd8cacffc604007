namespace SfaMirror.Server.Transport;

/// <summary>What <see cref="FrameReader.Read"/> found in the bytes it was given.</summary>
internal enum FrameEvent : byte
{
    /// <summary>Everything given was consumed (or kept for a header or control frame still incomplete); read more.</summary>
    NeedMore,
    /// <summary>A whole data message: <see cref="FrameReader.MessageOpcode"/>, <see cref="FrameReader.Message"/>.</summary>
    Message,
    /// <summary>A ping; its payload is in the caller's control buffer (<see cref="FrameReader.ControlLength"/> bytes).</summary>
    Ping,
    /// <summary>A pong; its payload is in the caller's control buffer.</summary>
    Pong,
    /// <summary>The peer's close frame, valid (<see cref="FrameReader.PeerCloseStatus"/>); nothing after it is read.</summary>
    Close,
    /// <summary>The peer broke the protocol or a limit: close with <see cref="FrameReader.FailStatus"/>; nothing after it is read.</summary>
    Fail,
}
