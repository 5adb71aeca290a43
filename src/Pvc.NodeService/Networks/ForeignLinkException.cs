namespace Pvc.NodeService.Networks;

/// <summary>
/// An interface a network needs by name exists but Pvc did not make it (it has no Pvc mark), or it is one of the
/// node's own devices: it is left alone and the network is not built here; the message says which and what to do.
/// </summary>
internal sealed class ForeignLinkException(string message) : Exception(message);
