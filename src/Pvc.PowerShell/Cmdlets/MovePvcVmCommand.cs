using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Migrates VMs to another node: temporarily by default (they remember the node to return to), permanently with
/// -Permanent, or back to that node with -Return. The target is -Node, or chosen by each VM's selector.
/// </summary>
[Cmdlet(VerbsCommon.Move, "PvcVm", SupportsShouldProcess = true, DefaultParameterSetName = "Migrate")]
[OutputType(typeof(Vm), typeof(PvcJob))]
public sealed class MovePvcVmCommand : VmChangeCmdlet
{
    /// <summary>The target node (not bound from the pipeline: a piped VM's own Node is where it is now).</summary>
    [Parameter(Position = 1, ParameterSetName = "Migrate")]
    [Parameter(Position = 1, ParameterSetName = "Permanent")]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>Move for good: the VM forgets its previous node.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Permanent")]
    public SwitchParameter Permanent { get; set; }

    /// <summary>Return the VM to the node it was migrated from.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Return")]
    public SwitchParameter Return { get; set; }

    /// <summary>Migrate a VM that is migrated already (its original node stays the one to return to).</summary>
    [Parameter(ParameterSetName = "Migrate")]
    public SwitchParameter Force { get; set; }

    /// <summary>Live migration only: fail rather than fall back to a shutdown migration.</summary>
    [Parameter]
    public SwitchParameter Live { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm)
            return;
        var kind = Return ? MigrationKind.Unmigrate : Permanent ? MigrationKind.Move : MigrationKind.Migrate;
        var request = new MigrationRequest(kind, Return ? null : Node, Force, Live);
        var (vms, timeout) = (Vms, Timeout);
        var before = Connection.RoundTrips;
        // the plan -WhatIf and -Confirm show is the one committed: nothing is worked out again, and a VM or target node
        // that changed in between fails the commit (VmChangedMeanwhile) instead
        var plan = TryAwait(token => vms.PlanMigrationAsync(vm, request, token), vm.Name);
        if (plan is null)
            return;
        Narrate($"Plan: {plan}; last node after: {plan.LastNode ?? "none"}", before);
        if (!ShouldProcess(vm.Name, $"{(kind == MigrationKind.Unmigrate ? "Return" : kind == MigrationKind.Move ? "Move" : "Migrate")} VM from {plan.From} to {plan.To}"))
            return;
        before = Connection.RoundTrips;
        if (TryAwait(token => vms.MigrateAsync(plan, token), vm.Name) is not { } committed)
            return;
        Narrate($"Committed: {committed}", before);
        Finish(vm, $"Migrating VM to {plan.To}", (p, t) => vms.WaitMigratedAsync(committed, timeout, p, t));
    }
}
