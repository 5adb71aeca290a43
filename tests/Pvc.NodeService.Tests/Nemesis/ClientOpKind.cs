namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>What a client asks of the cluster, through Core, as the cmdlets do with -Wait.</summary>
internal enum ClientOpKind
{
    /// <summary>Move-PvcVm -Node: a migration (forced, so a migrated VM may go on) to the op's node.</summary>
    Migrate,

    /// <summary>Move-PvcVm -Node with a permanent move to the op's node.</summary>
    Move,

    /// <summary>Move-PvcVm -Return: back to the VM's last node.</summary>
    Unmigrate,

    /// <summary>Start-PvcVm -Wait.</summary>
    Start,

    /// <summary>Stop-PvcVm -Wait.</summary>
    Stop,

    /// <summary>Suspend-PvcNode -Wait: drain the node.</summary>
    Flush,

    /// <summary>Resume-PvcNode -Wait.</summary>
    Ready,
}
