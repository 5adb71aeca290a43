using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Pvc.Core.Errors;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>The OSD daemons of a PVC node: systemd's <c>ceph-osd@&lt;id&gt;</c> units (PVC checks the same unit after activating).</summary>
public sealed class SystemdOsdDaemons(string systemctl = "/usr/bin/systemctl") : IOsdDaemons
{
    /// <inheritdoc />
    public Task StartAsync(int id, string dataPath, CancellationToken cancellationToken) => RunAsync("start", id, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(int id, CancellationToken cancellationToken) => RunAsync("stop", id, cancellationToken);

    private async Task RunAsync(string verb, int id, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        var unit = "ceph-osd@" + id.ToString(CultureInfo.InvariantCulture);
        var result = await Cli.Wrap(systemctl).WithArguments([verb, unit]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.CephCallFailed, $"systemctl {verb} {unit} failed (exit code {result.ExitCode}): {result.StandardError.Trim()}") { Target = unit };
    }
}
