namespace Pvc.NodeService.Libvirt;

/// <summary>
/// libvirt could not be reached (libvirtd down or restarting), or the connection died during the call, so whether the
/// call took effect is unknown: a passing condition of the host, never a verdict on a VM (a start that meets it is
/// tried again, not marked failed).
/// </summary>
public sealed class HypervisorUnreachableException(string message, Exception inner) : Exception(message, inner);
