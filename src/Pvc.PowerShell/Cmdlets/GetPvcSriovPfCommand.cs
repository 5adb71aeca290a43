using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the SR-IOV physical functions of a node, or of every node, with their VFs (<c>pvc network sriov pf list</c>).</summary>
[Cmdlet(VerbsCommon.Get, "PvcSriovPf")]
[OutputType(typeof(SriovPf))]
public sealed class GetPvcSriovPfCommand : ClusterCmdlet
{
    /// <summary>The node; every node when omitted.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>Interface names of physical functions (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        WriteMatching<SriovPf>(Name, async (limit, token) => [.. (await Connection.Networks.ListSriovPfsAsync(Node, token)).Where(p => limit?.IsMatch(p.Name) ?? true)],
            "SR-IOV physical function", PvcErrorIds.SriovPfNotFound);
}
