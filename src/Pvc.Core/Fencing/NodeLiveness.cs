using Pvc.Core.Nodes;
using Pvc.Core.Schema;

namespace Pvc.Core.Fencing;

/// <summary>What the fence monitor reads of another node each round.</summary>
/// <param name="Name">The node.</param>
/// <param name="State">Its daemon state.</param>
/// <param name="KeepaliveWrite">The transaction id of its last keepalive's write (null when it has none): a new value means a new keepalive, to the second and beyond PVC's one-second epoch.</param>
/// <param name="KeepaliveVersion">The keepalive key's version (-1 when missing), checked when the node is declared dead.</param>
public readonly record struct NodeLiveness(string Name, NodeDaemonState State, long? KeepaliveWrite, int KeepaliveVersion);
