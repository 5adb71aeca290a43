namespace Pvc.Core.Reading;

/// <summary>
/// Counts a reader's sequential round-trip waits ("waves"): each <see cref="ZnodeBatch.ReadAsync(CancellationToken)"/>
/// is one, however many znodes it reads. Listings must keep this constant as the cluster grows.
/// </summary>
public sealed class ReadCounter
{
    private int _waves;
    private int _reads;

    /// <summary>Sequential waits so far.</summary>
    public int Waves => _waves;

    /// <summary>Znode reads so far.</summary>
    public int Reads => _reads;

    internal void Add(int reads)
    {
        Interlocked.Increment(ref _waves);
        Interlocked.Add(ref _reads, reads);
    }
}
