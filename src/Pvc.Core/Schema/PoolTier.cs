namespace Pvc.Core.Schema;

/// <summary>The device class a pool's CRUSH rule places data on (<c>/ceph/pools/&lt;name&gt;/tier</c>).</summary>
public enum PoolTier
{
    /// <summary>Any OSD ("default"); also what an empty, missing or unknown value reads as.</summary>
    Default = 0,
    /// <summary>Spinning disks only ("hdd").</summary>
    Hdd,
    /// <summary>SATA/SAS SSDs only ("ssd").</summary>
    Ssd,
    /// <summary>NVMe devices only ("nvme").</summary>
    Nvme,
}
