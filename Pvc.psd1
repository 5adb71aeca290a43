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
        'Add-PvcOsd'
        'Add-PvcVmTag'
        'Clear-PvcOsdFlag'
        'Confirm-PvcFault'
        'Connect-PvcCluster'
        'Copy-PvcVolume'
        'Disable-PvcVm'
        'Disconnect-PvcCluster'
        'Get-PvcCluster'
        'Get-PvcFault'
        'Get-PvcNode'
        'Get-PvcNodeLog'
        'Get-PvcOsd'
        'Get-PvcPool'
        'Get-PvcStorageStatus'
        'Get-PvcTask'
        'Get-PvcVm'
        'Get-PvcVmLog'
        'Get-PvcVolume'
        'Get-PvcVolumeSnapshot'
        'Initialize-PvcCluster'
        'Move-PvcVm'
        'New-PvcPool'
        'New-PvcVm'
        'New-PvcVolume'
        'New-PvcVolumeSnapshot'
        'Remove-PvcFault'
        'Remove-PvcOsd'
        'Remove-PvcPool'
        'Remove-PvcVm'
        'Remove-PvcVmTag'
        'Remove-PvcVolume'
        'Remove-PvcVolumeSnapshot'
        'Rename-PvcVm'
        'Rename-PvcVolume'
        'Rename-PvcVolumeSnapshot'
        'Resize-PvcVolume'
        'Restart-PvcVm'
        'Restore-PvcVolumeSnapshot'
        'Resume-PvcNode'
        'Set-PvcCluster'
        'Set-PvcNode'
        'Set-PvcOsd'
        'Set-PvcOsdFlag'
        'Set-PvcPool'
        'Set-PvcVm'
        'Start-PvcVm'
        'Stop-PvcVm'
        'Suspend-PvcNode'
        'Unlock-PvcVmDisk'
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
