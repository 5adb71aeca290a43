namespace Pvc.ZooKeeper.Protocol;

/// <summary>
/// A request waiting to be sent or answered. The sender gives it its xid when it writes it; the receiver
/// completes it from the reply with the same xid (ZooKeeper answers a connection's requests in order).
/// </summary>
internal abstract class PendingRequest(string? path)
{
    /// <summary>The client-side path, for errors.</summary>
    public string? Path { get; } = path;

    public int Xid { get; set; }

    public abstract OpCode OpCode { get; }

    public abstract bool IsCompleted { get; }

    /// <summary>Writes the request body (after the header).</summary>
    public abstract void WriteBody(JuteWriter writer, Chroot chroot);

    /// <summary>Completes from a reply: reads the body when <paramref name="error"/> is Ok.</summary>
    public abstract void Complete(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches);

    public abstract void Fail(Exception exception);
}

/// <summary>A request whose answer is a <typeparamref name="T"/>.</summary>
internal abstract class PendingRequest<T>(string? path) : PendingRequest(path)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _onSettled;

    /// <summary>
    /// Called once when the request is answered, failed or cancelled, before its task completes: the client's count of
    /// outstanding requests must drop before the awaiting code can send its next one.
    /// </summary>
    public void OnSettled(Action action) => _onSettled = action;

    private void Settle() => Interlocked.Exchange(ref _onSettled, null)?.Invoke();

    public Task<T> Task => _completion.Task;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    public override void Complete(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches)
    {
        if (_completion.Task.IsCompleted)
            return;
        Settle();
        if (error == ZooKeeperErrorCode.Ok || AcceptsError(error))
        {
            T result;
            try
            {
                result = Read(error, ref reader, chroot, watches);
            }
            catch (ZooKeeperException e)
            {
                _completion.TrySetException(e);
                return;
            }
            _completion.TrySetResult(result);
        }
        else
        {
            _completion.TrySetException(ZooKeeperException.For(error, Path));
        }
    }

    /// <summary>True for errors that are an answer rather than a failure (exists: NoNode).</summary>
    protected virtual bool AcceptsError(ZooKeeperErrorCode error) => false;

    protected abstract T Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches);

    public override void Fail(Exception exception)
    {
        Settle();
        _completion.TrySetException(exception);
    }

    public void Cancel(CancellationToken token)
    {
        Settle();
        _completion.TrySetCanceled(token);
    }
}
