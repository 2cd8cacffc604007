using System.Threading.Channels;

namespace SfaMirror.Client.Tests.Infrastructure;

/// <summary>Every await in these tests goes through a timeout, so that a missing event fails fast.</summary>
internal static class Waits
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    public static Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task Within(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    /// <summary>A task that completes with the first event raised after this call.</summary>
    public static Task<T> Next<T>(Action<EventHandler<T>> subscribe, Func<T, bool>? where = null)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, e) =>
        {
            if (where is null || where(e))
            {
                tcs.TrySetResult(e);
            }
        });
        return tcs.Task;
    }

    /// <summary>The next item of <paramref name="reader"/>, or a <see cref="TimeoutException"/>.</summary>
    public static async Task<T> ReadWithin<T>(this ChannelReader<T> reader, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Default);
        try
        {
            return await reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Nothing within {(timeout ?? Default).TotalSeconds} s");
        }
    }
}
