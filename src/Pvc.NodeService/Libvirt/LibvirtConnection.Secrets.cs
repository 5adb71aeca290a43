using System.Security;

namespace Pvc.NodeService.Libvirt;

// the node's Ceph secret in libvirt (PVC's Ansible defines it; the node service does it from the node's keyring)
public sealed unsafe partial class LibvirtConnection
{
    /// <summary>
    /// Defines the private, persistent Ceph secret <paramref name="uuid"/> (usage <c>ceph</c>, named
    /// <paramref name="usageName"/>) and sets its value to <paramref name="key"/>, the decoded cephx key; a secret of
    /// that UUID is redefined and its value replaced. libvirt keeps the value from then on: it is never read back here,
    /// and QEMU gets it from libvirt for every RBD disk whose <c>&lt;secret type='ceph' uuid=...&gt;</c> names it.
    /// </summary>
    /// <exception cref="LibvirtException">libvirt refused (another secret has the usage name, no secret driver...).</exception>
    public void DefineCephSecret(Guid uuid, string usageName, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrEmpty(usageName);
        var xml = $"<secret ephemeral='no' private='yes'><uuid>{uuid}</uuid><usage type='ceph'><name>{SecurityElement.Escape(usageName)}</name></usage></secret>";
        var secret = LibvirtNative.virSecretDefineXML(handle, xml, 0);
        if (secret == IntPtr.Zero)
            LibvirtErrors.Throw("virSecretDefineXML");
        try
        {
            fixed (byte* value = key)
            {
                if (LibvirtNative.virSecretSetValue(secret, value, (nuint)key.Length, 0) < 0)
                    LibvirtErrors.Throw("virSecretSetValue");
            }
        }
        finally
        {
            LibvirtNative.virSecretFree(secret);
        }
    }
}
