# A scheduled runbook, run as a scheduler runs it: pwsh -NonInteractive -File runbook.ps1. It connects by itself, drains
# a node, checks that nothing runs on it any more, and says so with its exit status.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Connect-PvcCluster $env:PVC_SANDBOX_SERVER | Out-Null

    $runbook = Join-Path $TestDrive 'Invoke-NodeDrain.ps1'
    Set-Content -LiteralPath $runbook -Value @'
#Requires -Modules Pvc
# Drains a node before its maintenance. Exit status: 0 drained, 2 failed (the reason on stderr).
param(
    [Parameter(Mandatory)] [string[]] $Server,
    [Parameter(Mandatory)] [string] $Node,
    [int] $TimeoutSeconds = 300
)
$ErrorActionPreference = 'Stop'
try {
    $cluster = Connect-PvcCluster -Server $Server -Timeout 5
    $leaving = @(Get-PvcVm -Node $Node -State Start)
    $drained = Suspend-PvcNode -Name $Node -Wait -Timeout $TimeoutSeconds -Confirm:$false
    $left = @(Get-PvcVm -Node $Node -State Start)
    if ($drained.DomainState -ne 'Flushed' -or $left.Count -gt 0) {
        throw "$Node is $($drained.DomainState) and still runs $($left.Name -join ', ')"
    }
    if ($leaving) {
        foreach ($vm in Get-PvcVm -Name $leaving.Name) { "moved $($vm.Name) to $($vm.Node)" }
    }
    "drained $Node"
    exit 0
}
catch {
    [Console]::Error.WriteLine("drain failed: $($_.FullyQualifiedErrorId): $_")
    exit 2
}
finally {
    if ($cluster) { Disconnect-PvcCluster $cluster }
}
'@

    $drain = Invoke-Pwsh -ArgumentList '-NonInteractive', '-File', $runbook, '-Server', $env:PVC_SANDBOX_SERVER, '-Node', 'hv2'
}

AfterAll {
    if ((Get-PvcNode hv2).DomainState -ne 'Ready') {
        Resume-PvcNode hv2 -Wait -Timeout 60 | Out-Null
    }
}

Describe 'A runbook that drains a node' {
    It 'exits with 0 when the node is drained' {
        $drain.Error | Should -BeNullOrEmpty
        $drain.ExitCode | Should -Be 0
    }

    It 'says what it moved where' {
        $lines = $drain.Output -split '\r?\n' | Where-Object { $_ }
        $lines | Should -Be @("moved web2 to $((Get-PvcVm web2).Node)", 'drained hv2')
    }

    It 'leaves the node flushed, with no VM running on it' {
        $node = Get-PvcNode hv2
        $node.DomainState | Should -Be 'Flushed'
        $node.DaemonState | Should -Be 'Run'
        Get-PvcVm -Node hv2 -State Start | Should -BeNullOrEmpty
    }

    It 'leaves its VMs running elsewhere, marked as come from the node' {
        $web2 = Get-PvcVm web2
        $web2.State | Should -Be 'Start'
        $web2.Node | Should -BeIn @('hv1', 'hv3')
        $web2.LastNode | Should -Be 'hv2'
        $web2.IsMigrated | Should -BeTrue
    }

    It 'Resume-PvcNode -Wait makes the node ready and brings its VM home' {
        (Resume-PvcNode hv2 -Wait -Timeout 60).DomainState | Should -Be 'Ready'
        $web2 = Get-PvcVm web2
        ($web2.Node, $web2.State, $web2.IsMigrated) | Should -Be @('hv2', 'Start', $false)
    }
}

Describe 'A runbook that cannot do its job' {
    It 'exits non-zero, within its connect timeout, when the cluster cannot be reached' {
        # a port nothing listens on
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $run = Invoke-Pwsh -ArgumentList '-NonInteractive', '-File', $runbook, '-Server', "127.0.0.1:$port", '-Node', 'hv2' -TimeoutSeconds 60
        $run.ExitCode | Should -Be 2
        $run.Error | Should -Match "drain failed: ClusterUnreachable,Pvc.PowerShell.Cmdlets.ConnectPvcClusterCommand"
        $run.Output | Should -Not -Match 'drained'
        $run.Seconds | Should -BeLessThan 30
        (Get-PvcNode hv2).DomainState | Should -Be 'Ready'
    }

    It 'exits non-zero, naming the node, when the node does not exist' {
        $run = Invoke-Pwsh -ArgumentList '-NonInteractive', '-File', $runbook, '-Server', $env:PVC_SANDBOX_SERVER, '-Node', 'hv9'
        $run.ExitCode | Should -Be 2
        $run.Error | Should -Match "drain failed: NodeNotFound,Pvc.PowerShell.Cmdlets.SuspendPvcNodeCommand: .*'hv9'"
    }
}
