using Pvc.Core.Errors;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>The refusals of the node's OSD work, each saying what to do.</summary>
internal static class OsdErrors
{
    public static PvcException DeviceNotFound(string device, string node) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.OsdDeviceNotFound, $"Node '{node}' has no block device '{device}'; 'lsblk' on the node lists its disks.") { Target = device };

    public static PvcException DeviceHasPartitions(string device, string node) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.OsdDeviceHasPartitions, $"Device '{device}' on node '{node}' has a partition table; an OSD takes a whole, empty disk. Wipe it first ('wipefs -a {device}') if its data is not needed.") { Target = device };

    public static PvcException DeviceInUse(string device, string node, string use) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.OsdDeviceInUse, $"Device '{device}' on node '{node}' is in use ({use}); an OSD takes a whole, unused disk, and nothing was changed on it. Wipe it first ('wipefs -a {device}') if its data is not needed.") { Target = device };

    public static PvcException HoldsLastData(int id) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.OsdHoldsLastData, $"OSD {id} holds data and no other OSD is up and in to take it: removing it loses that data. Add an OSD first, or force the removal.") { Target = id };

    public static PvcException NotUpInTime(int id, TimeSpan deadline) =>
        new(PvcErrorKind.OperationTimeout, PvcErrorIds.CephTimeout, $"OSD {id} was made but did not come up within {deadline}; its daemon's log on the node says why.") { Target = id };

    public static PvcException NotDownInTime(int id, TimeSpan deadline) =>
        new(PvcErrorKind.OperationTimeout, PvcErrorIds.CephTimeout, $"OSD {id} was stopped but Ceph still had it up after {deadline}; it is out and not destroyed. Stop its daemon on the node and run the replace again.") { Target = id };

    public static PvcException DbVolumeGroupExists(string node, string volumeGroup) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.OsdDbVolumeGroupExists, $"Node '{node}' has a volume group '{volumeGroup}' already ('vgs {volumeGroup}' on the node shows it); a node has one. Nothing was changed.") { Target = volumeGroup };

    public static PvcException NotSafeInTime(int id, TimeSpan deadline) =>
        new(PvcErrorKind.OperationTimeout, PvcErrorIds.CephTimeout, $"OSD {id} is out, but its data had not moved to other OSDs within {deadline}; it is left out and running. Run the removal again once 'ceph osd safe-to-destroy {id}' agrees, or force it.")
        {
            Target = id,
            // the task's result: the OSD is left out, which 'Set-PvcOsd -In' undoes (rev14 P3-13)
            Detail = new System.Text.Json.Nodes.JsonObject { ["osd_id"] = id, ["out"] = true },
        };

    public static PvcException OnOtherNode(int id, string osdNode, string thisNode) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.OsdOnOtherNode, $"OSD {id} is on node '{osdNode}', not on '{thisNode}': its disk can only be worked on there. Route the task to '{osdNode}'.") { Target = id };
}
