namespace Pvc.NodeService.Ceph;

/// <summary>A lock on an RBD image, as <c>rbd lock ls</c> shows it.</summary>
/// <param name="Client">The holder, e.g. <c>client.4123</c>.</param>
/// <param name="Cookie">The lock's id (<c>auto 94823...</c> for the exclusive-lock feature's own lock).</param>
/// <param name="Address">The holder's address, e.g. <c>10.0.0.1:0/1234</c>.</param>
public sealed record RbdLocker(string Client, string Cookie, string Address);
