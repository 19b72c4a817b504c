namespace TypedSessions.Tests.Parity;

/// <summary>
/// Holds requests until <see cref="Parties"/> of them have arrived, then releases them all: two requests that each load
/// the session and wait here have both read the same stored state before either writes. No timing is involved; the
/// wait's limit only turns a hang into a failure.
/// </summary>
internal sealed class Rendezvous
{
    public const int Parties = 2;

    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public Task ArriveAndWaitAsync()
    {
        if (Interlocked.Increment(ref _arrived) == Parties)
        {
            _all.TrySetResult();
        }

        return _all.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
