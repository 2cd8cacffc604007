namespace SfaMirror.Server.Observability;

/// <summary>Every log event id, in one place, so that they stay stable and unique.</summary>
internal static class EventIds
{
    // Transport: 1xx
    public const int ConnectionOpened = 100;
    public const int ConnectionClosed = 101;
    public const int ReceiveEnded = 102;
    public const int MessageTooBig = 103;
    public const int SlowConsumer = 104;
    public const int SendTimedOut = 105;
    public const int HandlerFailed = 106;
    public const int ShuttingDown = 107;
    public const int KeepAliveTimedOut = 108;
    public const int ProtocolViolation = 109;
    public const int ConnectionRefused = 110;
    public const int LeaseLostClosing = 150;

    // Sessions: 2xx
    public const int MessageProcessed = 200;
    public const int SessionCreated = 201;
    public const int SessionEnded = 202;
    public const int SessionDeleted = 203;
    public const int SessionExpired = 204;
    public const int RateLimitClose = 205;
    public const int SessionSummary = 206;
    public const int StoreUnavailable = 207;
    public const int SweepSkipped = 208;
    public const int AddressOverJoinBudget = 209;
    public const int HostTokenRefused = 210;
    public const int HostControl = 211;

    // Backplane: 3xx
    public const int RedisConnected = 300;
    public const int RedisConnectionFailed = 301;
    public const int RedisNodeDead = 302;
    public const int RedisEventDropped = 303;
    public const int RedisLeaseLost = 304;
    public const int RedisLeaseNotRenewed = 305;
    public const int RedisEventFailed = 306;
}
