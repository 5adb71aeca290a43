using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Pvc.NodeService.Libvirt;

/// <summary>
/// Owns one <c>virConnectPtr</c> reference and releases it with <c>virConnectClose</c>. Every domain handle holds a
/// reference of its own on the connection inside libvirt, so closing first is memory-safe; the count libvirt
/// returns then tells whether domain handles were still alive (see <see cref="CloseResult"/>).
/// </summary>
internal sealed class ConnectionHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the source-generated marshaller; <c>virConnectOpen</c> fills the pointer.</summary>
    public ConnectionHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>
    /// What <c>virConnectClose</c> returned: null before release, 0 when the connection was freed, above 0 when
    /// that many references (domain handles not yet freed) were left, -1 on error.
    /// </summary>
    public int? CloseResult { get; private set; }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        int result = LibvirtNative.virConnectClose(handle);
        CloseResult = result;
        if (result > 0)
            Trace.TraceWarning($"libvirt: virConnectClose left {result} reference(s): a domain handle was not disposed.");
        return result >= 0;
    }
}
