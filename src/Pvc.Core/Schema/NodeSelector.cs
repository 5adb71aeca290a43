namespace Pvc.Core.Schema;

/// <summary>How a target node is chosen (PVC's findTargetNode selectors).</summary>
public enum NodeSelector
{
    /// <summary>"none": the cluster's default (<c>/config/migration_target_selector</c>).</summary>
    Default = 0,
    /// <summary>Most free memory.</summary>
    Mem,
    /// <summary>Most memory not provisioned to VMs (used + free - provisioned).</summary>
    MemProv,
    /// <summary>Lowest load average.</summary>
    Load,
    /// <summary>Fewest allocated vCPUs.</summary>
    Vcpus,
    /// <summary>Fewest running VMs.</summary>
    Vms,
}
