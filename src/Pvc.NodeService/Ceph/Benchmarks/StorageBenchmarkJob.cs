namespace Pvc.NodeService.Ceph.Benchmarks;

/// <summary>One of PVC's eight storage benchmark jobs (TEST_FORMAT 2): fio's read/write mode, block size and queue depth.</summary>
/// <param name="Name">PVC's name of the job (seq_read, rand_write_4K_lowdepth, ...).</param>
/// <param name="ReadWrite">fio's --readwrite.</param>
/// <param name="BlockSize">fio's --bs.</param>
/// <param name="IoDepth">fio's --iodepth.</param>
public sealed record StorageBenchmarkJob(string Name, string ReadWrite, string BlockSize, int IoDepth)
{
    /// <summary>PVC's jobs, in its order.</summary>
    public static IReadOnlyList<StorageBenchmarkJob> All { get; } =
    [
        new("seq_read", "read", "4M", 64),
        new("seq_write", "write", "4M", 64),
        new("rand_read_4M", "randread", "4M", 64),
        new("rand_write_4M", "randwrite", "4M", 64),
        new("rand_read_4K", "randread", "4K", 64),
        new("rand_write_4K", "randwrite", "4K", 64),
        new("rand_read_4K_lowdepth", "randread", "4K", 1),
        new("rand_write_4K_lowdepth", "randwrite", "4K", 1),
    ];
}
