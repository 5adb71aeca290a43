using System.Globalization;
using System.Text;
using System.Text.Json;
using CliWrap;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// RBD volumes the way PVC handles them: one <c>rbd</c> process per operation, through CliWrap, each argument its own
/// argv entry (no shell), names checked against Pvc's rules first (so none starts with '-' and is read as an option),
/// the client and ceph.conf given explicitly, the keyring's path (never a key) on the command line. Kept beside
/// <see cref="RbdImages"/> for what librbd does not do and to measure the two (bench/RESULTS.md).
/// </summary>
public sealed class RbdCommandLine(CephClientOptions options, string executable = "/usr/bin/rbd")
{
    /// <summary><c>rbd create --size &lt;bytes&gt;B pool/volume</c>.</summary>
    /// <exception cref="PvcException">AlreadyExists: "VolumeExists".</exception>
    public async Task CreateAsync(string pool, string volume, long sizeBytes, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(volume);
        if (sizeBytes <= 0)
            throw CephErrors.InvalidSize(sizeBytes, "A volume's size");
        var (code, _, error) = await RunAsync(["create", "--size", sizeBytes.ToString(CultureInfo.InvariantCulture) + "B", $"{pool}/{volume}"], cancellationToken);
        if (code != 0 && error.Contains("already exists", StringComparison.Ordinal))
            throw CephErrors.VolumeExists(pool, volume);
        Check(code, error, "rbd create", $"{pool}/{volume}", pool);
    }

    /// <summary><c>rbd ls --format json pool</c>.</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound".</exception>
    public async Task<IReadOnlyList<string>> ListAsync(string pool, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        var (code, output, error) = await RunAsync(["ls", "--format", "json", pool], cancellationToken);
        Check(code, error, "rbd ls", pool, pool);
        return JsonSerializer.Deserialize<List<string>>(output) ?? [];
    }

    /// <summary><c>rbd rm pool/volume</c>.</summary>
    /// <exception cref="PvcException">NotFound: "VolumeNotFound".</exception>
    public async Task RemoveAsync(string pool, string volume, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(volume);
        var (code, _, error) = await RunAsync(["rm", "--no-progress", $"{pool}/{volume}"], cancellationToken);
        if (code != 0 && error.Contains("No such file", StringComparison.Ordinal) && !error.Contains("pool", StringComparison.Ordinal))
            throw CephErrors.VolumeNotFound(pool, volume);
        Check(code, error, "rbd rm", $"{pool}/{volume}", pool);
    }

    private static void Check(int code, string error, string operation, string target, string pool)
    {
        if (code == 0)
            return;
        if (error.Contains("error opening pool", StringComparison.Ordinal) || error.Contains($"pool {pool} does not exist", StringComparison.Ordinal))
            throw CephErrors.PoolNotFound(pool);
        // rbd exits with the errno of a failed librbd call; 1 is also its exit for a bad command line, so that one says
        // nothing more than its message
        var message = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        throw code > 1 ? CephErrors.FromErrno(code, $"{operation} ({message})", target) : CephErrors.ToolFailed(operation, target, code, message);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        var seconds = Math.Max(1, (int)Math.Ceiling(options.OperationTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var common = new List<string> { "--conf", options.ConfigPath, "--name", options.ClientName, "--rados-mon-op-timeout", seconds, "--rados-osd-op-timeout", seconds, "--client-mount-timeout", seconds };
        if (options.KeyringPath is { } keyring)
            common.AddRange(["--keyring", keyring]);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.OperationTimeout + TimeSpan.FromSeconds(5));
        var result = await Cli.Wrap(executable)
            .WithArguments([.. common, .. args])
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
            .ExecuteAsync(deadline.Token);
        return (result.ExitCode, output.ToString(), error.ToString());
    }
}
