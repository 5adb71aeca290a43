# Our objects through the built-in cmdlets users combine them with: selecting, sorting, grouping, filtering, formatting,
# CSV and JSON. The sandbox's VMs: web1 (hv1), web2 (hv2) and db1 (hv3) run with 2 vCPUs and 2048 MiB, tagged
# 'sandbox'; spare (hv1) is stopped, 1 vCPU and 1024 MiB. Their XML is PVC's (an RBD disk vms/<name>_sda, a NIC on
# vmbr100).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Connect-PvcCluster $env:PVC_SANDBOX_SERVER | Out-Null
    $other = Connect-PvcCluster $env:PVC_SANDBOX_SERVER2 -NoDefault
    $sandboxVms = 'db1', 'spare', 'web1', 'web2'
}

AfterAll {
    Disconnect-PvcCluster $other
}

Describe 'The sandbox''s VMs' {
    It 'are full PVC domains, with what PVC''s own VM getter needs, in both clusters' {
        foreach ($vm in @(Get-PvcVm $sandboxVms) + @(Get-PvcVm -Cluster $other)) {
            $domain = ([xml] $vm.Xml).domain
            $domain.type | Should -Be 'kvm' -Because $vm.Name
            $domain.os.type.machine | Should -Match '^pc-' -Because $vm.Name
            $domain.devices.console.type | Should -Be 'pty' -Because $vm.Name
            $domain.devices.emulator | Should -Be '/usr/bin/kvm' -Because $vm.Name
            $domain.devices.serial.log.file | Should -Be "/var/log/libvirt/$($vm.Name).log" -Because $vm.Name
            $domain.devices.disk.source.protocol | Should -Be 'rbd' -Because $vm.Name
            $domain.devices.disk.driver.discard | Should -Be 'unmap' -Because $vm.Name
            $domain.devices.interface.source.bridge | Should -Match '^vmbr\d+$' -Because $vm.Name
            $vm.Disks.Source | Should -Be "vms/$($vm.Name)_sda" -Because $vm.Name
        }
    }
}

Describe 'Select-Object' {
    It 'picks properties by name' {
        $picked = Get-PvcVm web1 | Select-Object Name, Node, State, MemoryMiB
        $picked.PSObject.Properties.Name | Should -Be @('Name', 'Node', 'State', 'MemoryMiB')
        $picked.Name | Should -Be 'web1'
        $picked.Node | Should -Be 'hv1'
        "$($picked.State)" | Should -Be 'Start'
        $picked.MemoryMiB | Should -Be 2048
    }

    It 'expands a property into plain values' {
        $names = Get-PvcVm | Select-Object -ExpandProperty Name
        $names | Should -BeOfType [string]
        foreach ($vm in $sandboxVms) { $names | Should -Contain $vm }
    }

    It 'expands the disks and NICs read from the XML' {
        $disk = Get-PvcVm web2 | Select-Object -ExpandProperty Disks
        ($disk.Type, $disk.Source, $disk.Target, $disk.Bus) | Should -Be @('rbd', 'vms/web2_sda', 'sda', 'scsi')
        $nic = Get-PvcVm web2 | Select-Object -ExpandProperty Nics
        ($nic.Type, $nic.Source, $nic.Model, $nic.Vni) | Should -Be @('bridge', 'vmbr100', 'virtio', 100)
        $nic.Mac | Should -Match '^52:54:00(:[0-9a-f]{2}){3}$'
    }

    It 'takes calculated properties' {
        $row = Get-PvcVm db1 | Select-Object Name, @{ Name = 'MemoryGiB'; Expression = { $_.MemoryMiB / 1024 } }, @{ Name = 'Tags'; Expression = { $_.Tags.Name -join ',' } }
        $row.MemoryGiB | Should -Be 2
        $row.Tags | Should -Be 'sandbox'
    }

    It 'takes the first VMs of the listing, which comes sorted by name' {
        Get-PvcVm | Select-Object -First 1 -ExpandProperty Name | Should -Be 'db1'
    }
}

Describe 'Sort-Object' {
    It 'sorts VMs by memory, largest first' {
        $sorted = Get-PvcVm $sandboxVms | Sort-Object MemoryMiB, Name -Descending
        $sorted.Name | Should -Be @('web2', 'web1', 'db1', 'spare')
    }

    It 'sorts nodes by name, descending' {
        (Get-PvcNode | Sort-Object Name -Descending).Name | Should -Be @('hv3', 'hv2', 'hv1')
    }

    It 'sorts by a calculated key' {
        (Get-PvcVm $sandboxVms | Sort-Object { $_.Name.Length }, Name).Name | Should -Be @('db1', 'web1', 'web2', 'spare')
    }
}

Describe 'Group-Object' {
    It 'groups VMs by node' {
        $groups = Get-PvcVm $sandboxVms | Group-Object Node
        $groups.Name | Should -Be @('hv1', 'hv2', 'hv3')
        ($groups | Where-Object Name -EQ 'hv1').Group.Name | Should -Be @('spare', 'web1')
    }

    It 'counts VMs by state' {
        $counts = Get-PvcVm $sandboxVms | Group-Object State -NoElement
        ($counts | Where-Object Name -EQ 'Start').Count | Should -Be 3
        ($counts | Where-Object Name -EQ 'Stop').Count | Should -Be 1
    }

    It 'builds a hash table keyed by node' {
        $byNode = Get-PvcVm $sandboxVms | Group-Object Node -AsHashTable -AsString
        $byNode['hv3'].Name | Should -Be 'db1'
        $byNode.Keys.Count | Should -Be 3
    }
}

Describe 'Where-Object' {
    It 'compares the state with a string' {
        (Get-PvcVm $sandboxVms | Where-Object State -EQ 'start').Name | Should -Be @('db1', 'web1', 'web2')
    }

    It 'filters on numbers' {
        (Get-PvcVm $sandboxVms | Where-Object MemoryMiB -LT 2048).Name | Should -Be @('spare')
    }

    It 'filters on tags in a script block' {
        (Get-PvcVm $sandboxVms | Where-Object { $_.Tags.Name -contains 'sandbox' }).Name | Should -Be @('db1', 'web1', 'web2')
    }

    It 'filters nodes on their states' {
        (Get-PvcNode | Where-Object { $_.DaemonState -eq 'Run' -and $_.DomainState -eq 'Ready' }).Name | Should -Be @('hv1', 'hv2', 'hv3')
        (Get-PvcNode | Where-Object CoordinatorState -EQ 'Primary') | Should -HaveCount 1
    }
}

Describe 'Format-Table' {
    It 'shows VMs in the default table, as pvc vm list does' {
        $lines = (Get-PvcVm web1 | Format-Table | Out-String -Width 200) -split "`n"
        $header = $lines | Where-Object { $_ -match '^Name\s' }
        foreach ($column in 'State', 'Node', 'Migrated', 'vCPUs', 'RAM (MiB)', 'Tags', 'Uuid') { $header | Should -Match ([regex]::Escape($column)) }
        $lines | Where-Object { $_ -match '^web1\s+start\s+hv1\s+no\s+2\s+2048\s+sandbox\s' } | Should -HaveCount 1
    }

    It 'shows chosen properties with -AutoSize' {
        $text = Get-PvcVm $sandboxVms | Format-Table Name, Vcpus, MemoryMiB -AutoSize | Out-String -Width 200
        $text | Should -Match '(?m)^spare\s+1\s+1024\s*$'
    }

    It 'shows nodes in the default table' {
        $text = Get-PvcNode | Format-Table | Out-String -Width 200
        $text | Should -Match '(?m)^Name\s+Version\s+Health\s+Daemon\s+Coordinator\s+Domain\s+VMs\s+CPUs'
        foreach ($node in 'hv1', 'hv2', 'hv3') { $text | Should -Match "(?m)^$node\s+\S+\s+\S+\s+run\s+(primary|secondary)\s+ready\s" }
    }

    It 'shows faults in the default table' {
        $text = Get-PvcFault -Cluster $other | Format-Table | Out-String -Width 200
        $text | Should -Match '(?m)^Id\s+Status\s+Delta'
        $text | Should -Match '(?m)^VM_FAILED_DNS1\s+new\s+-10%'
    }
}

Describe 'Format-List' {
    It 'shows a VM''s detail view with its disks, NICs and tags' {
        $text = Get-PvcVm web1 | Format-List | Out-String -Width 200
        $text | Should -Match '(?m)^Disks\s*: vms/web1_sda \(sda\)\s*$'
        $text | Should -Match '(?m)^Nics\s*: 52:54:00(:[0-9a-f]{2}){3} on vmbr100\s*$'
        $text | Should -Match '(?m)^Tags\s*: sandbox\s*$'
        $text | Should -Match '(?m)^Description\s*: test VM web1\s*$'
    }

    It 'shows chosen properties' {
        $text = Get-PvcNode hv2 | Format-List Name, DomainState, MemoryTotalMiB | Out-String -Width 200
        $text | Should -Match '(?m)^Name\s*: hv2\s*$'
        $text | Should -Match '(?m)^DomainState\s*: Ready\s*$'
        $text | Should -Match '(?m)^MemoryTotalMiB\s*: 32768\s*$'
    }

    It 'shows the cluster''s status' {
        $text = Get-PvcCluster | Format-List | Out-String -Width 200
        $text | Should -Match '(?m)^Name\s*: sandbox\s*$'
        $text | Should -Match '(?m)^Nodes\s*: 3/3 run,ready\s*$'
    }
}

Describe 'Export-Csv and Import-Csv' {
    BeforeAll {
        $csv = Join-Path $TestDrive 'vms.csv'
        Get-PvcVm $sandboxVms | Select-Object Name, Node, State, Vcpus, MemoryMiB, Uuid | Export-Csv -LiteralPath $csv
        $rows = Import-Csv -LiteralPath $csv
    }

    It 'round-trips the chosen columns' {
        $rows.Name | Should -Be $sandboxVms
        ($rows | Where-Object Name -EQ 'spare').State | Should -Be 'Stop'
        ($rows | Where-Object Name -EQ 'web2').Node | Should -Be 'hv2'
        [int]($rows | Where-Object Name -EQ 'db1').MemoryMiB | Should -Be 2048
    }

    It 'keeps the UUIDs exact' {
        [guid]($rows | Where-Object Name -EQ 'web1').Uuid | Should -Be (Get-PvcVm web1).Uuid
    }

    It 'feeds imported rows back into the cmdlets by property name' {
        $vms = Import-Csv -LiteralPath $csv | Where-Object State -EQ 'Start' | Get-PvcVm
        $vms | Should -BeOfType ([Pvc.Core.Vms.Vm])
        $vms.Name | Should -Be @('db1', 'web1', 'web2')
    }

    It 'exports whole node objects, a row per node' {
        $file = Join-Path $TestDrive 'nodes.csv'
        Get-PvcNode | Export-Csv -LiteralPath $file
        $nodes = Import-Csv -LiteralPath $file
        $nodes.Name | Should -Be @('hv1', 'hv2', 'hv3')
        $nodes.MemoryTotalMiB | Should -Be @('32768', '32768', '32768')
    }
}

Describe 'ConvertTo-Json' {
    It 'serialises a VM with its nested disks, NICs and tags' {
        $json = Get-PvcVm web1 | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.Name | Should -Be 'web1'
        $json.Uuid | Should -Be (Get-PvcVm web1).Uuid.ToString()
        $json.Disks[0].Source | Should -Be 'vms/web1_sda'
        $json.Nics[0].Source | Should -Be 'vmbr100'
        $json.Tags[0].Name | Should -Be 'sandbox'
        $json.Xml | Should -Match "^<domain type='kvm'>"
    }

    It 'writes the states as names with -EnumsAsStrings' {
        $json = Get-PvcVm spare | ConvertTo-Json -EnumsAsStrings | ConvertFrom-Json
        $json.State | Should -Be 'Stop'
    }

    It 'serialises every node as an array element' {
        $nodes = Get-PvcNode | ConvertTo-Json -Compress | ConvertFrom-Json
        $nodes | Should -HaveCount 3
        $nodes.Name | Should -Be @('hv1', 'hv2', 'hv3')
    }

    It 'never carries a BMC password (nodes hold only the BMC host and user)' {
        # the second cluster's nodes have an IPMI password in ZooKeeper, as PVC writes it
        $json = Get-PvcNode -Cluster $other | ConvertTo-Json -Depth 5
        $json | Should -Match '"IpmiUsername": "admin"'
        $json | Should -Not -Match 's3cret-ipmi'
    }
}

Describe 'Measure-Object' {
    It 'sums the memory of VMs' {
        (Get-PvcVm $sandboxVms | Measure-Object MemoryMiB -Sum).Sum | Should -Be 7168
    }
}
