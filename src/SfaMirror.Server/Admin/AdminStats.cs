namespace SfaMirror.Server.Admin;

/// <summary>What <c>/admin/api/stats</c> answers: counts, the message-rate history and the live sessions (never a payload), the addresses refused most.</summary>
internal sealed record AdminStats(
    string Node,
    DateTimeOffset Now,
    int Connections,
    int Sessions,
    int Members,
    long SendQueueBytes,
    long MessagesIn,
    long MessagesOut,
    IReadOnlyList<AdminRate> Rates,
    IReadOnlyList<AdminSession> SessionList,
    bool SessionListTruncated,
    IReadOnlyList<AdminRefusedAddress> RefusedAddresses);
