namespace SfaMirror.Client.Tests.Cli;

/// <summary>Standard input that stays open until <see cref="End"/>, like a terminal nobody types into.</summary>
internal sealed class EndlessInput : TextReader
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void End() => _ended.TrySetResult();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        await _ended.Task.WaitAsync(cancellationToken);
        return null;
    }
}
