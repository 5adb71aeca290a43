using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// What storage.benchmark asks of the primary: the pool, the job's name (PVC's <c>&lt;time&gt;_&lt;primary&gt;</c> when
/// none is given), how long each of the eight fio jobs runs (PVC: 75 s) and the size of the benchmark volume (PVC:
/// 64 GiB). Checked when made, carried as the task's arguments, checked again by <see cref="FromArguments"/> on the node.
/// </summary>
public sealed record StorageBenchmarkRequest
{
    /// <summary>PVC's runtime of each job.</summary>
    public static readonly TimeSpan DefaultRuntime = TimeSpan.FromSeconds(75);

    /// <summary>PVC's size of the benchmark volume (64 GiB).</summary>
    public const long DefaultVolumeBytes = 64L << 30;

    /// <summary>A request to benchmark <paramref name="pool"/>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidBenchmarkName", "InvalidBenchmarkRuntime".</exception>
    public StorageBenchmarkRequest(string pool, string? name = null, TimeSpan? runtime = null, long? volumeBytes = null)
    {
        PoolName.Validate(pool);
        if (name is not null)
            StorageBenchmarkName.Validate(name);
        var time = runtime ?? DefaultRuntime;
        var bytes = volumeBytes ?? DefaultVolumeBytes;
        if (time < TimeSpan.FromSeconds(1) || time > TimeSpan.FromHours(1) || bytes < 16L << 20 || bytes > 1L << 40)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidBenchmarkRuntime,
                $"A benchmark's jobs run 1 s to 1 h each (PVC: 75 s) on a volume of 16 MiB to 1 TiB (PVC: 64 GiB); {time} on {bytes} bytes is not that.") { Target = time };
        Pool = pool;
        Name = name;
        Runtime = TimeSpan.FromSeconds(Math.Ceiling(time.TotalSeconds));
        VolumeBytes = bytes;
    }

    /// <summary>The pool.</summary>
    public string Pool { get; }

    /// <summary>The job's name, or null for PVC's.</summary>
    public string? Name { get; }

    /// <summary>How long each fio job runs, in whole seconds.</summary>
    public TimeSpan Runtime { get; }

    /// <summary>The benchmark volume's size.</summary>
    public long VolumeBytes { get; }

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments()
    {
        var args = new JsonObject { ["pool"] = Pool, ["runtime_seconds"] = (long)Runtime.TotalSeconds, ["volume_bytes"] = VolumeBytes };
        if (Name is not null)
            args["name"] = Name;
        return args;
    }

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", and as the constructor.</exception>
    public static StorageBenchmarkRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var seconds = StorageArguments.OptionalLong(args, "runtime_seconds");
        return new StorageBenchmarkRequest(StorageArguments.Text(args, "pool"), StorageArguments.OptionalText(args, "name"),
            seconds is { } s ? TimeSpan.FromSeconds(Math.Clamp(s, 0, 1L << 30)) : null, StorageArguments.OptionalLong(args, "volume_bytes"));
    }
}
