using System.Text;
using CliWrap;
using Pvc.Core.Errors;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// Runs one of the tools the node's OSD work calls (ceph-volume, sfdisk, sgdisk, the LVM tools, partx) through CliWrap:
/// each argument its own argv entry, no shell, the runner's environment variables set, standard output and error
/// captured, and no more than <see cref="OsdToolOptions.ToolTimeout"/> (then "CephTimeout"). A non-zero exit code is
/// returned, not thrown: the caller knows which codes mean what.
/// </summary>
internal sealed class OsdToolRunner(OsdToolOptions options, IReadOnlyDictionary<string, string> environment)
{
    /// <summary>Runs <paramref name="tool"/> with <paramref name="args"/>; returns its exit code and what it wrote.</summary>
    /// <exception cref="PvcException">OperationTimeout: "CephTimeout".</exception>
    public async Task<(int Code, string Output, string Error)> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ToolTimeout);
        try
        {
            var result = await Cli.Wrap(tool)
                .WithArguments(args)
                .WithEnvironmentVariables(e =>
                {
                    foreach (var (name, value) in environment)
                        e.Set(name, value);
                })
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
                .ExecuteAsync(deadline.Token);
            return (result.ExitCode, output.ToString(), error.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.CephTimeout, $"{Path.GetFileName(tool)} {string.Join(' ', args)} did not end within {options.ToolTimeout}.") { Target = tool };
        }
    }
}
