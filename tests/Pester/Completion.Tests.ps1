# Tab completion as pwsh does it (TabExpansion2, what PSReadLine calls on Tab): VM, node and fault names from the live
# cluster, from the cluster given with -Cluster when there is one.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Connect-PvcCluster $env:PVC_SANDBOX_SERVER | Out-Null
    $other = Connect-PvcCluster $env:PVC_SANDBOX_SERVER2 -NoDefault

    # faults as the health daemon raises them (the sandbox has none of its own)
    $faultIds = 'PESTER_COMPLETION_ONE', 'PESTER_COMPLETION_TWO'
    $raiser = Connect-PvcCluster $env:PVC_SANDBOX_SERVER -NoDefault
    foreach ($id in $faultIds) {
        $raised = [Pvc.Core.Faults.FaultStore]::new($raiser).RaiseAsync($id, 1, 'raised by the Pester completion tests', [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
        if (-not $raised) { throw "Fault $id was not raised (is the cluster in maintenance?)" }
    }
    Disconnect-PvcCluster $raiser

    # a VM whose name must be quoted on a command line
    $spaced = "pst app $([guid]::NewGuid().ToString('N').Substring(0, 6))"
    New-PvcVm -Xml (New-TestVmXml -Name $spaced) -Node hv1 | Out-Null
}

AfterAll {
    Remove-PvcFault -Id $faultIds -Confirm:$false -ErrorAction Continue
    Remove-PvcVm -Name $spaced -Confirm:$false -ErrorAction Continue
    Disconnect-PvcCluster $other
}

Describe 'VM names complete from the connected cluster' {
    It 'completes the VMs whose names start with the word, after Get-PvcVm' {
        (Get-Completion 'Get-PvcVm we').CompletionText | Should -Be @('web1', 'web2')
    }

    It 'matches case-insensitively and offers the names as the cluster spells them' {
        (Get-Completion 'Start-PvcVm -Name WEB').CompletionText | Should -Be @('web1', 'web2')
    }

    It 'offers every VM, in name order, for an empty word' {
        $names = (Get-Completion 'Stop-PvcVm ').ListItemText
        foreach ($vm in 'db1', 'spare', 'web1', 'web2', $spaced) {
            $names | Should -Contain $vm
        }
        $sorted = [string[]] $names.Clone()
        [Array]::Sort($sorted, [StringComparer]::OrdinalIgnoreCase)
        $names | Should -Be $sorted
    }

    It 'completes the VM argument of every VM cmdlet (Move-PvcVm here)' {
        (Get-Completion 'Move-PvcVm d').CompletionText | Should -Be @('db1')
    }

    It 'quotes a name with spaces, so that the completed line runs' {
        $match = Get-Completion 'Get-PvcVm pst' | Where-Object ListItemText -EQ $spaced
        $match.CompletionText | Should -Be "'$spaced'"
        $match.ResultType | Should -Be ([System.Management.Automation.CompletionResultType]::ParameterValue)
        (Invoke-Expression "Get-PvcVm $($match.CompletionText)").Name | Should -Be $spaced
    }
}

Describe 'Node names complete from the connected cluster' {
    It 'completes node names after Get-PvcNode' {
        (Get-Completion 'Get-PvcNode h').CompletionText | Should -Be @('hv1', 'hv2', 'hv3')
    }

    It 'completes the -Node of Move-PvcVm' {
        (Get-Completion 'Move-PvcVm web1 -Node hv').CompletionText | Should -Be @('hv1', 'hv2', 'hv3')
    }

    It 'completes the -Node of Move-PvcVm at the end of a pipeline' {
        (Get-Completion 'Get-PvcVm web1 | Move-PvcVm -Node HV3').CompletionText | Should -Be @('hv3')
    }

    It 'completes the node of Suspend-PvcNode' {
        (Get-Completion 'Suspend-PvcNode -Name hv2').CompletionText | Should -Be @('hv2')
    }

    It 'completes the -Node filter of Get-PvcVm with every node' {
        (Get-Completion 'Get-PvcVm -Node ').CompletionText | Should -Be @('hv1', 'hv2', 'hv3')
    }
}

Describe 'Fault ids complete from the connected cluster' {
    It 'completes the ids after Get-PvcFault' {
        (Get-Completion 'Get-PvcFault PESTER_COMPLETION_').CompletionText | Should -Be $faultIds
    }

    It 'completes the -Id of Confirm-PvcFault, case-insensitively' {
        (Get-Completion 'Confirm-PvcFault -Id pester_completion_o').CompletionText | Should -Be @('PESTER_COMPLETION_ONE')
    }

    It 'completes the id of Remove-PvcFault' {
        (Get-Completion 'Remove-PvcFault PESTER_COMPLETION_T').CompletionText | Should -Be @('PESTER_COMPLETION_TWO')
    }
}

Describe 'Completion honours -Cluster' {
    It 'completes the VMs of the cluster given with -Cluster, not the default one' {
        (Get-Completion 'Get-PvcVm -Cluster $other ').CompletionText | Should -Be @('dns1', 'mail1', 'mail2')
    }

    It 'completes the nodes of the cluster given with -Cluster' {
        (Get-Completion 'Get-PvcNode -Cluster $other ').CompletionText | Should -Be @('kvm1', 'kvm2')
    }

    It 'completes the faults of the cluster given with -Cluster' {
        (Get-Completion 'Get-PvcFault -Cluster $other ').CompletionText | Should -Be @('NODE_PLUGIN_DISK_KVM2', 'VM_FAILED_DNS1')
    }

    It 'uses a -Cluster that comes after the word being completed' {
        (Get-Completion 'Start-PvcVm m -Cluster $other' -CursorColumn 'Start-PvcVm m'.Length).CompletionText | Should -Be @('mail1', 'mail2')
    }

    It 'completes -Node from the cluster of the command''s -Cluster' {
        (Get-Completion 'Move-PvcVm mail1 -Cluster $other -Node ').CompletionText | Should -Be @('kvm1', 'kvm2')
    }

    It 'goes back to the default cluster without -Cluster' {
        $names = (Get-Completion 'Get-PvcVm ').CompletionText
        $names | Should -Contain 'web1'
        $names | Should -Not -Contain 'mail1'
    }
}

Describe 'The default connection is per runspace' {
    BeforeEach {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
    }

    AfterEach {
        $shell.Dispose()
        $runspace.Dispose()
    }

    It 'completes nothing, and fails nothing, in a runspace that has not connected' {
        $null = $shell.AddScript('Import-Module Pvc -ErrorAction Stop; (TabExpansion2 -inputScript "Get-PvcVm w" -cursorColumn 11).CompletionMatches.CompletionText')
        $completions = $shell.Invoke()
        $shell.Streams.Error | Should -BeNullOrEmpty
        $completions | Should -BeNullOrEmpty
    }

    It 'completes from the cluster that runspace connected to, while this one keeps its own' {
        $null = $shell.AddScript('Import-Module Pvc -ErrorAction Stop; Connect-PvcCluster $args[0] | Out-Null; (TabExpansion2 -inputScript "Get-PvcVm " -cursorColumn 10).CompletionMatches.CompletionText').AddArgument($env:PVC_SANDBOX_SERVER2)
        $completions = $shell.Invoke()
        $shell.Streams.Error | Should -BeNullOrEmpty
        $completions | Should -Be @('dns1', 'mail1', 'mail2')
        (Get-Completion 'Get-PvcVm we').CompletionText | Should -Be @('web1', 'web2')
    }
}
