using Pvc.Core.Schema;

namespace Pvc.Core.Metrics;

/// <summary>PVC's numeric VM state in <c>pvc_vm_state</c> (inventory 3.1), the values its dashboards colour by.</summary>
public static class VmStateMetric
{
    /// <summary>
    /// start 0, migrate 1, unmigrate 2, provision 3, disable 4, shutdown 5, restart 6, stop 7, fail 8, import 9,
    /// restore 10, mirror 99. PVC has no number for migrate-live (it would fail the scrape): it counts as migrate, 1.
    /// A state PVC does not list (delete, or a value this version does not know) is -1.
    /// </summary>
    public static int Of(VmState state) => state switch
    {
        VmState.Start => 0,
        VmState.Migrate or VmState.MigrateLive => 1,
        VmState.Unmigrate => 2,
        VmState.Provision => 3,
        VmState.Disable => 4,
        VmState.Shutdown => 5,
        VmState.Restart => 6,
        VmState.Stop => 7,
        VmState.Fail => 8,
        VmState.Import => 9,
        VmState.Restore => 10,
        VmState.Mirror => 99,
        _ => -1,
    };
}
