namespace Pvc.NodeService.Daemon;

/// <summary>
/// The node service cannot go on as it is (one of its session's loops ended): it stops with a failure exit code, so
/// that systemd (Restart=on-failure) starts it afresh; its VMs run on meanwhile.
/// </summary>
internal sealed class NodeServiceFailureException(string message, Exception? inner = null) : Exception(message, inner);
