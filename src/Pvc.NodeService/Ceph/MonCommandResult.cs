namespace Pvc.NodeService.Ceph;

/// <summary>A monitor command's answer.</summary>
/// <param name="Result">0, or a negative errno.</param>
/// <param name="Output">The output (JSON when the command asked for it).</param>
/// <param name="Status">The status text (the tools print it on stderr: "pool 'x' created", an error's reason).</param>
public sealed record MonCommandResult(int Result, string Output, string Status);
