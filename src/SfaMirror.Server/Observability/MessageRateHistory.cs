namespace SfaMirror.Server.Observability;

/// <summary>
/// Messages per second in and out over the last minutes, sampled once a second into a small ring buffer,
/// so that the admin page has the whole chart as soon as it opens. One sampler writes; readers copy.
/// </summary>
internal sealed class MessageRateHistory
{
    /// <summary>Five minutes of one-second samples.</summary>
    public const int Capacity = 300;

    private readonly RateSample[] _ring = new RateSample[Capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public void Add(RateSample sample)
    {
        lock (_gate)
        {
            _ring[_next] = sample;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    /// <summary>The samples held, oldest first.</summary>
    public RateSample[] Snapshot()
    {
        lock (_gate)
        {
            var result = new RateSample[_count];
            var start = (_next - _count + Capacity) % Capacity;
            for (var i = 0; i < _count; i++)
            {
                result[i] = _ring[(start + i) % Capacity];
            }
            return result;
        }
    }
}
