using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Gets the SR-IOV virtual functions of a node, or of every node, with their configuration and the VM that uses each
/// (<c>pvc network sriov vf list</c>; one named VF is <c>pvc network sriov vf info</c>).
/// </summary>
[Cmdlet(VerbsCommon.Get, "PvcSriovVf")]
[OutputType(typeof(SriovVf))]
public sealed class GetPvcSriovVfCommand : ClusterCmdlet
{
    /// <summary>The node; every node when omitted.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>Interface names of virtual functions (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only the VFs of this physical function.</summary>
    [Parameter]
    public string? Pf { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        WriteMatching<SriovVf>(Name, async (limit, token) => [.. (await Connection.Networks.ListSriovVfsAsync(Node, Pf, token)).Where(v => limit?.IsMatch(v.Name) ?? true)],
            "SR-IOV virtual function", PvcErrorIds.SriovVfNotFound);
}
