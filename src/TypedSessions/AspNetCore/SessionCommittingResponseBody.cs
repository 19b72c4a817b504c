using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace TypedSessions.AspNetCore;

/// <summary>
/// Holds the response back until the session is saved. The endpoint's first flush, the start of the
/// response, a file send or the end of the request saves what the request changed before any header or
/// byte leaves, so a client never receives a 200 for a write that is not stored (nor reads an older value
/// on its next request), and a failed save still becomes a 503. Until then writes are buffered — for a
/// typical response its whole body, at most <see cref="BufferLimit"/> bytes; after it they pass through.
/// </summary>
internal sealed class SessionCommittingResponseBody : Stream, IHttpResponseBodyFeature
{
    /// <summary>Writes beyond this many buffered bytes save the session and start the response.</summary>
    public const int BufferLimit = 64 * 1024;

    private readonly Session _session;
    private MemoryStream? _buffer;
    private PipeWriter? _writer;
    private bool _released;

    public SessionCommittingResponseBody(IHttpResponseBodyFeature inner, Session session)
    {
        Inner = inner;
        _session = session;
    }

    /// <summary>The server's body feature, put back when the request leaves the middleware.</summary>
    public IHttpResponseBodyFeature Inner { get; }

    /// <summary>The save failed (store failure, conflict, interruption, size): the request must end as that failure's error whatever the failure policy (nothing was sent).</summary>
    public bool CommitFailed { get; private set; }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void DisableBuffering() => Inner.DisableBuffering();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await ReleaseAsync(cancellationToken).ConfigureAwait(false);
        await Inner.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await ReleaseAsync(cancellationToken).ConfigureAwait(false);
        await Inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteAsync()
    {
        await FinishAsync().ConfigureAwait(false);
        await Inner.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>At the end of the request: takes what the endpoint left in <see cref="Writer"/>, saves, and sends the buffer.</summary>
    /// <returns>A task.</returns>
    public async Task FinishAsync()
    {
        if (_writer is not null)
        {
            // Completing our pipe writer (not the server's) writes its remaining bytes into this stream.
            await _writer.CompleteAsync().ConfigureAwait(false);
            _writer = null;
        }

        await ReleaseAsync(default).ConfigureAwait(false);
    }

    public override void Flush()
    {
        // A synchronous flush cannot save asynchronously; before the save it keeps buffering.
        if (_released)
        {
            Inner.Stream.Flush();
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await ReleaseAsync(cancellationToken).ConfigureAwait(false);
        await Inner.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_released)
        {
            Inner.Stream.Write(buffer);
            return;
        }

        (_buffer ??= new MemoryStream()).Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_released && (_buffer?.Length ?? 0) + buffer.Length > BufferLimit)
        {
            await ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_released)
        {
            await Inner.Stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }

        (_buffer ??= new MemoryStream()).Write(buffer.Span);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Saves the session's changes (once), then sends the buffered bytes; later writes pass through.</summary>
    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_released)
        {
            return;
        }

        try
        {
            await _session.CommitBeforeResponseAsync().ConfigureAwait(false);
        }
        catch
        {
            CommitFailed = true;
            _buffer = null;
            throw;
        }

        _released = true;
        if (_buffer is { Length: > 0 } buffered)
        {
            await Inner.Stream.WriteAsync(buffered.GetBuffer().AsMemory(0, (int)buffered.Length), cancellationToken).ConfigureAwait(false);
        }

        _buffer = null;
    }
}
