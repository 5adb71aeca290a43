# What PowerShell users rely on from every cmdlet: -WhatIf and -Confirm, errors they can catch, inspect and collect, and
# -AsJob with Receive-Job. The tests make their own VMs (removed at the end) and undo what they change.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Connect-PvcCluster $env:PVC_SANDBOX_SERVER | Out-Null
    $vm = New-TestVmName
    New-PvcVm -Xml (New-TestVmXml -Name $vm) -Node hv3 | Out-Null
    # prefix for a child pwsh: the module by name (the sandbox puts this build first on PSModulePath), the cluster
    $connect = 'Import-Module Pvc -ErrorAction Stop; Connect-PvcCluster $env:PVC_SANDBOX_SERVER | Out-Null'
}

AfterAll {
    Remove-PvcVm -Name $vm -Confirm:$false -ErrorAction Continue
}

Describe '-WhatIf' {
    It 'Suspend-PvcNode -WhatIf says where each VM would go, and drains nothing' {
        $said = Get-HostOutput { Suspend-PvcNode hv2 -WhatIf }
        $said | Should -Match 'What if: Performing the operation "Flush node \(web2 -> hv[13] \(live\)\)" on target "hv2"'
        (Get-PvcNode hv2).DomainState | Should -Be 'Ready'
        (Get-PvcVm web2).Node | Should -Be 'hv2'
    }

    It 'Move-PvcVm -WhatIf names both nodes and moves nothing' {
        $said = Get-HostOutput { Get-PvcVm web1 | Move-PvcVm -Node hv3 -WhatIf }
        $said | Should -Match 'What if: Performing the operation "Migrate VM from hv1 to hv3" on target "web1"'
        (Get-PvcVm web1).Node | Should -Be 'hv1'
        (Get-PvcVm web1).LastNode | Should -BeNullOrEmpty
    }

    It 'Stop-PvcVm -WhatIf returns nothing and leaves the VM running' {
        Stop-PvcVm web1 -WhatIf -PassThru | Should -BeNullOrEmpty
        (Get-PvcVm web1).State | Should -Be 'Start'
    }

    It 'Remove-PvcVm -WhatIf keeps the VM' {
        Remove-PvcVm $vm -WhatIf
        (Get-PvcVm $vm).Name | Should -Be $vm
    }

    It '$WhatIfPreference makes every change a dry run' {
        & {
            $WhatIfPreference = $true
            Start-PvcVm $vm
        }
        (Get-PvcVm $vm).State | Should -Be 'Stop'
    }
}

Describe '-Confirm' {
    It 'Remove-PvcVm -Confirm:$false removes a VM without asking' {
        $gone = New-TestVmName
        New-PvcVm -Xml (New-TestVmXml -Name $gone) -Node hv1 | Out-Null
        Remove-PvcVm $gone -Confirm:$false
        Get-PvcVm $gone -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-PvcVm).Name | Should -Not -Contain $gone
    }

    It 'a script that asks for confirmation of everything still runs unattended with -Confirm:$false' {
        try {
            $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', "$connect; `$ConfirmPreference = 'Low'; (Start-PvcVm '$vm' -Confirm:`$false -PassThru).State"
            $run.Error | Should -BeNullOrEmpty
            $run.ExitCode | Should -Be 0
            $run.Output.Trim() | Should -Be 'Start'
        }
        finally {
            Stop-PvcVm $vm -Force -Wait -Timeout 60 | Out-Null
        }
    }

    It 'Remove-PvcVm without -Confirm:$false fails in a non-interactive session instead of removing or hanging' {
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', "$connect; Remove-PvcVm '$vm'" -TimeoutSeconds 60
        $run.ExitCode | Should -Not -Be 0
        $run.Error | Should -Match 'NonInteractive'
        (Get-PvcVm $vm).Name | Should -Be $vm
    }
}

Describe 'Errors' {
    It '-ErrorAction Stop turns a missing VM into an error that try/catch catches' {
        $caught = $null
        try {
            Get-PvcVm nope-pester -ErrorAction Stop
        }
        catch {
            $caught = $_
        }
        $caught.FullyQualifiedErrorId | Should -Be 'VmNotFound,Pvc.PowerShell.Cmdlets.GetPvcVmCommand'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $caught.TargetObject | Should -Be 'nope-pester'
        $caught.Exception.Message | Should -Match 'nope-pester'
    }

    It 'a catch block can select Core''s exception type' {
        $which = try {
            Move-PvcVm web1 -Node nosuch -ErrorAction Stop
        }
        catch [Pvc.Core.Errors.PvcException] {
            "$($_.Exception.Kind): $($_.Exception.Message)"
        }
        catch {
            "other: $($_.Exception.GetType().FullName)"
        }
        $which | Should -Be "NotFound: There is no node 'nosuch'. Get-PvcNode lists the nodes."
        (Get-PvcVm web1).Node | Should -Be 'hv1'
    }

    It 'without -ErrorAction Stop the script goes on, and $? is false' {
        $after = & {
            Get-PvcVm nope-pester -ErrorAction Continue 2>$null
            $?
            'went on'
        }
        $after | Should -Be @($false, 'went on')
    }

    It '$Error[0].FullyQualifiedErrorId names the error and the cmdlet' {
        Suspend-PvcNode nosuch -ErrorAction SilentlyContinue
        $Error[0].FullyQualifiedErrorId | Should -Be 'NodeNotFound,Pvc.PowerShell.Cmdlets.SuspendPvcNodeCommand'
        $Error[0].TargetObject | Should -Be 'nosuch'
    }

    It '-ErrorVariable collects the names that failed while the others are returned' {
        $found = Get-PvcVm web1, nope1, web2 -ErrorVariable missing -ErrorAction SilentlyContinue
        $found.Name | Should -Be @('web1', 'web2')
        $missing | Should -HaveCount 1
        $missing[0].TargetObject | Should -Be 'nope1'
    }

    It '-ErrorVariable +name adds to what it already holds' {
        Get-PvcVm nope1 -ErrorVariable seen -ErrorAction SilentlyContinue
        Get-PvcNode nope2 -ErrorVariable +seen -ErrorAction SilentlyContinue
        $seen.TargetObject | Should -Be @('nope1', 'nope2')
        $seen[1].FullyQualifiedErrorId | Should -BeLike 'NodeNotFound,*'
    }

    It 'one bad name in a pipeline is an error, and the rest go on' {
        $found = 'web1', 'nope', 'db1' | Get-PvcVm -ErrorVariable bad -ErrorAction SilentlyContinue
        $found.Name | Should -Be @('web1', 'db1')
        $bad.TargetObject | Should -Be 'nope'
    }

    It '$ErrorActionPreference = ''Stop'' makes a refused change throw' {
        {
            $ErrorActionPreference = 'Stop'
            Get-PvcVm web2 | Move-PvcVm -Node nosuch
        } | Should -Throw -ErrorId 'NodeNotFound,Pvc.PowerShell.Cmdlets.MovePvcVmCommand'
        (Get-PvcVm web2).Node | Should -Be 'hv2'
    }
}

Describe '-AsJob' {
    It 'Start-PvcVm -AsJob returns a job at once, and Receive-Job -Wait the running VM' {
        $job = Start-PvcVm $vm -AsJob
        $job | Should -BeOfType ([System.Management.Automation.Job])
        $job.PSJobTypeName | Should -Be 'PvcJob'
        $started = $job | Receive-Job -Wait
        $started.Name | Should -Be $vm
        $started.State | Should -Be 'Start'
        $started.Node | Should -Be 'hv3'
        $job.State | Should -Be 'Completed'
        $job | Remove-Job
    }

    It 'Stop-PvcVm -AsJob | Receive-Job -Wait -AutoRemoveJob returns the stopped VM and removes the job' {
        Start-PvcVm $vm -Wait -Timeout 60 | Out-Null
        $job = Stop-PvcVm $vm -Force -AsJob
        ($job | Receive-Job -Wait -AutoRemoveJob).State | Should -Be 'Stop'
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Get-Job and Wait-Job see the job as any other, its command as typed' {
        $job = Start-PvcVm $vm -AsJob
        (Get-Job -Id $job.Id).Command | Should -Be 'Start-PvcVm $vm -AsJob'
        $job.Name | Should -Be "Start-PvcVm $vm"
        $job | Wait-Job -Timeout 60 | Should -Be $job
        $job.State | Should -Be 'Completed'
        $job | Remove-Job
        Stop-PvcVm $vm -Force -Wait -Timeout 60 | Out-Null
    }

    It 'a job whose VM fails on its node fails, and Receive-Job -ErrorAction Stop throws the reason' {
        $bad = New-TestVmName
        New-PvcVm -Xml (New-TestVmXml -Name $bad -UnstartableDisk) -Node hv2 | Out-Null
        try {
            $job = Start-PvcVm $bad -AsJob
            $caught = $null
            try {
                $job | Receive-Job -Wait -ErrorAction Stop
            }
            catch {
                $caught = $_
            }
            $job.State | Should -Be 'Failed'
            $caught.FullyQualifiedErrorId | Should -Be 'VmFailed'
            $caught.TargetObject | Should -Be $bad
            (Get-PvcVm $bad).State | Should -Be 'Fail'
            $job | Remove-Job
        }
        finally {
            Remove-PvcVm $bad -Confirm:$false
        }
    }

    It 'Suspend-PvcNode -AsJob drains the node; Receive-Job -Wait returns it flushed' {
        try {
            $flushed = Suspend-PvcNode hv3 -AsJob | Receive-Job -Wait -AutoRemoveJob
            $flushed.Name | Should -Be 'hv3'
            $flushed.DomainState | Should -Be 'Flushed'
            (Get-PvcVm db1).Node | Should -Not -Be 'hv3'
            (Get-PvcVm db1).LastNode | Should -Be 'hv3'
        }
        finally {
            $resumed = Resume-PvcNode hv3 -AsJob | Receive-Job -Wait -AutoRemoveJob
        }
        $resumed.DomainState | Should -Be 'Ready'
        (Get-PvcVm db1).Node | Should -Be 'hv3'
    }
}
