@{
    RootModule           = 'Pvc.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71'
    Author               = 'Pvc developers'
    CompanyName          = 'Pvc'
    Copyright            = '(c) Pvc developers. MIT License.'
    Description          = 'Run a PVC (Parallel Virtual Cluster) KVM hyperconverged cluster from PowerShell: nodes, VMs, migration, drain and faults, on the cluster''s own ZooKeeper state.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Pvc.Format.ps1xml')
    CmdletsToExport      = @(
        'Add-PvcDhcpReservation'
        'Add-PvcNetworkAcl'
        'Add-PvcVmTag'
        'Confirm-PvcFault'
        'Connect-PvcCluster'
        'Disable-PvcVm'
        'Disconnect-PvcCluster'
        'Get-PvcCluster'
        'Get-PvcDhcpLease'
        'Get-PvcFault'
        'Get-PvcNetwork'
        'Get-PvcNetworkAcl'
        'Get-PvcNode'
        'Get-PvcNodeLog'
        'Get-PvcVm'
        'Get-PvcVmLog'
        'Initialize-PvcCluster'
        'Move-PvcVm'
        'New-PvcNetwork'
        'New-PvcVm'
        'Remove-PvcDhcpReservation'
        'Remove-PvcFault'
        'Remove-PvcNetwork'
        'Remove-PvcNetworkAcl'
        'Remove-PvcVm'
        'Remove-PvcVmTag'
        'Rename-PvcVm'
        'Restart-PvcVm'
        'Resume-PvcNode'
        'Set-PvcCluster'
        'Set-PvcNetwork'
        'Set-PvcNode'
        'Set-PvcVm'
        'Start-PvcVm'
        'Stop-PvcVm'
        'Suspend-PvcNode'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('PVC', 'KVM', 'libvirt', 'ZooKeeper', 'Cluster', 'Virtualization', 'Linux')
            ProjectUri = ''
        }
    }
}
