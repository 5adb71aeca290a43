# Every example in docs/cmdlets runs as written, in the live sandbox cluster, and does what its text says.
#
# It runs in the sandbox (node services hv1, hv2, hv3; VMs web1 on hv1, web2 on hv2, db1 on hv3, all started, and
# spare on hv1, stopped), whose session has the Pvc module imported and connected:
#     ./build.sh sandbox -- -File <a script that runs Invoke-Pester on this file>
#
# Discovery reads every docs/cmdlets/*.md and makes one test per "### Example" section, named
# "<Cmdlet> example N: <title>". What runs is the example's prompt lines with "PS> " and ">> " stripped, exactly as
# written, each "PS> " command (with its ">> " lines) on its own, as the console runs it; sample output lines are not
# run. Each example gets a runspace of its own, with the module imported and connected to the sandbox by default, on
# a host that records what it shows (WhatIf lines) and answers confirmation prompts only as the example's entry
# plans: any other prompt fails the example instead of hanging the run.
#
# $ExampleTable says, per example, what its text promises: Setup brings the cluster into the state the example
# assumes, Assert checks what the text says happened, by reading the cluster back and looking at the example's
# output, errors, prompts and host text. An example with no entry fails (the table stays complete), and so does an
# entry that names no example. An example that cannot run here is marked with its reason, skipped, and counted by
# reason at the end. A marked example whose only obstacle is the servers it names also runs with the sandbox's
# ZooKeeper (or a chroot of it) in their place, as a test of its own whose name says so; it still counts as marked.
#
# After each example the sandbox is put back as it was found (VMs with their names, nodes, states, tags and
# settings; nodes' domain states; the primary coordinator; maintenance; faults) and compared with how it was found:
# a difference fails that example, and the examples after it are not run.

BeforeDiscovery {
    # --- the examples, from the docs --------------------------------------------------------------------------
    $docs = Join-Path $PSScriptRoot '../../docs/cmdlets'
    $examples = [System.Collections.Generic.List[hashtable]]::new()
    foreach ($file in Get-ChildItem -Path $docs -Filter '*.md' | Sort-Object Name) {
        $cmdlet = $file.BaseName
        $section = ''
        $current = $null
        $inCode = $false
        foreach ($line in [System.IO.File]::ReadAllLines($file.FullName)) {
            if ($line -match '^## ') {
                $section = $line
                $current = $null
                continue
            }
            if ($section -ne '## EXAMPLES') {
                continue
            }
            if ($line -match '^### Example (\d+): (.+)$') {
                $current = @{ Id = "$cmdlet $($Matches[1])"; Cmdlet = $cmdlet; Number = [int]$Matches[1]; Title = $Matches[2].Trim()
                    CodeLines = [System.Collections.Generic.List[string]]::new(); Prompts = [System.Collections.Generic.List[string]]::new()
                    Sample = [System.Collections.Generic.List[string]]::new()
                    TextLines = [System.Collections.Generic.List[string]]::new() }
                $examples.Add($current)
                continue
            }
            if ($null -eq $current) {
                continue
            }
            if ($line -match '^```') {
                $inCode = -not $inCode
                continue
            }
            if ($inCode) {
                if ($line -match '^PS> ?(.*)$') { $current.CodeLines.Add($Matches[1]); $current.Prompts.Add($Matches[1]) }
                elseif ($line -match '^>> ?(.*)$') { $current.CodeLines.Add($Matches[1]); $current.Prompts[$current.Prompts.Count - 1] += "`n" + $Matches[1] }
                elseif ($line.Trim()) { $current.Sample.Add($line) }
            }
            elseif ($line.Trim()) {
                $current.TextLines.Add($line.Trim())
            }
        }
    }
    foreach ($example in $examples) {
        $example.Code = $example.CodeLines -join "`n"
        $example.Text = $example.TextLines -join ' '
    }

    # --- why an example cannot run here (each must be true; the count by reason is printed at the end) --------------
    $hostsReason = 'names ZooKeeper servers (hv1..hv3 on port 2181, zk1.lab, zk*.prod) that do not resolve here; the sandbox''s ZooKeeper is 127.0.0.1 on a free port'
    $tlsReason = 'needs a ZooKeeper that serves TLS and certificate files; the sandbox''s ZooKeeper is plain TCP (tests/Pvc.PowerShell.Tests/TlsConnectionTests runs Connect-PvcCluster over TLS against a real TLS ZooKeeper)'
    $taskReason = 'needs tasks that a node service runs: every task this build submits is Ceph work (volumes, OSDs, benchmarks, lock flushes) and the sandbox''s node services have no ceph section in pvc.conf; tests/Pvc.PowerShell.Tests/TaskCmdletTests runs Get-PvcTask, -Wait and its view against tasks it plays, and tests/Pvc.NodeService.Tests/Tasks through real node services'
    $liveReason = 'needs live migration: the sandbox''s test-driver node services have no migration_uri, so a live-only move is aborted and the VM stays (the QEMU lab in tests/Pvc.NodeService.Tests/Lab migrates live)'
    $cephReason = 'needs Ceph: the sandbox''s node services have no ceph section in pvc.conf (tests/Pvc.PowerShell.Tests/Storage/StorageCmdletTests runs every storage cmdlet, VolumeUploadCmdletTests Import-PvcVolume, OsdCmdletTests the OSD cmdlets and UnlockPvcVmDiskTests Unlock-PvcVmDisk, against the one-host Ceph lab)'
    $dbVgReason = 'partitions a disk of the node, and the sandbox''s nodes run on this host, whose disks are not the example''s to wipe (Pvc.NodeService.Tests'' OsdDbVolumeGroupTests makes osd-db on a loop device for real; OsdCmdletTests submits the task)'

    # --- what each example's text promises ---------------------------------------------------------------------
    # Keys: Marked (a reason: the example is skipped and counted), Setup { param($ctx) } (runs in the test's runspace
    # before the example; $ctx.Vars become variables of the example's runspace, $ctx.Dir is its current directory,
    # $ctx.Data is for Assert), Assert { param($r, $ctx) } ($r: Output, Text (the output as the console shows it),
    # Errors, Thrown, Warnings, Progress, HostText, Prompts, Variable(name), ErrorVariable), Answers (the answers the
    # host gives to confirmation prompts, in order; without them a prompt fails the example), ExpectErrors (the
    # example writes errors on purpose; Assert checks them; otherwise any error fails it), Cleanup { param($ctx) }
    # (undoes what the generic restore does not know: seeded logs). For a marked example, Substitute (literal text of
# the code -> its replacement, every one must be found) runs it anyway with the sandbox's ZooKeeper in place of the
# servers it names ($PvcSandboxServer, or a server string Setup puts in $ctx.Vars); NoConnect leaves the example's
# runspace without a default connection, for examples whose point is making one. $r.Run(script) runs more code in
# the example's runspace (Output, Errors).
    #
    # Confirmation (ConfirmImpact High: Initialize-PvcCluster, Remove-PvcVm, Remove-PvcFault): the examples run with
    # PowerShell's default $ConfirmPreference (High). Those that pass -Confirm:$false must not prompt (any prompt
    # fails them); those whose text says "asks for confirmation" are answered Yes by the host and the prompt's text
    # is asserted. No example runs with $ConfirmPreference = 'None'.
    $ExampleTable = @{
        # ---------------------------------------------------------------- networks (issue 15): keys only, no node builds them here
        # (the sandbox's node services have no cluster device); the restore removes networks the examples made
        'New-PvcNetwork 1' = @{
            Assert = { param($r)
                $r.Output | Should -HaveCount 1
                $n = Get-PvcNetwork 100
                $n.Description | Should -Be 'clients'
                $n.Type | Should -Be 'Managed'
                "$($n.Ip4Gateway)" | Should -Be '10.100.0.1'
                $n.Ip4Dhcp | Should -BeTrue
                "$($n.Ip4DhcpStart)-$($n.Ip4DhcpEnd)" | Should -Be '10.100.0.100-10.100.0.199'
                Get-Znode '/networks/100/dhcp4_flag' | Should -Be 'True'
            }
        }
        'New-PvcNetwork 2' = @{
            Assert = { param($r)
                $n = Get-PvcNetwork storage-vlan
                $n.Vni | Should -Be 200
                $n.Type | Should -Be 'Bridged'
                $n.Mtu | Should -Be 9000
                Get-Znode '/networks/200/nettype' | Should -Be 'bridged'
            }
        }
        'Set-PvcNetwork 1' = @{
            Setup = { param($ctx) New-ExampleNetwork }
            Assert = { param($r)
                $r.Output | Should -BeNullOrEmpty
                $n = Get-PvcNetwork clients
                "$($n.Ip4DhcpStart)-$($n.Ip4DhcpEnd)" | Should -Be '10.100.0.50-10.100.0.99'
            }
        }
        'Set-PvcNetwork 2' = @{
            Setup = { param($ctx) New-ExampleNetwork }
            Assert = { param($r)
                $r.Output | Should -HaveCount 1
                $r.Output[0].Ip4Dhcp | Should -BeFalse
                (Get-PvcNetwork 100).Ip4Dhcp | Should -BeFalse
                Get-Znode '/networks/100/dhcp4_flag' | Should -Be 'False'
            }
        }
        'Get-PvcNetwork 1' = @{
            Setup = { param($ctx) New-ExampleNetwork; New-PvcNetwork 200 storage-vlan -Type Bridged -Mtu 9000 -ErrorAction Stop }
            Assert = { param($r)
                $r.Output.Vni | Should -Be 100, 200
                $r.Text | Should -Match '(?m)^\s*100\s+clients\s+Managed\b'
                $r.Text | Should -Match '(?m)^\s*200\s+storage-vlan\s+Bridged\s+9000\b'
                $r.Text | Should -Match '10\.100\.0\.1\b'
            }
        }
        'Get-PvcNetwork 2' = @{
            Setup = { param($ctx) New-ExampleNetwork }
            Assert = { param($r)
                foreach ($label in 'Vni', 'Description', 'Type', 'Ip4Network', 'Ip4Gateway', 'Ip4Dhcp', 'Reservations', 'FirewallRules') {
                    $r.Text | Should -Match "(?m)^$label\s+:"
                }
                $r.Text | Should -Match '(?m)^Description\s+: clients\s*$'
            }
        }
        'Remove-PvcNetwork 1' = @{
            # no VM is on it (the sandbox's VMs are on vmbr100)
            Setup = { param($ctx) New-ExampleNetwork -Vni 150 }
            Answers = 'Yes'   # the text's point: it asks first
            Assert = { param($r)
                $r.Prompts | Should -HaveCount 1
                $r.Prompts[0] | Should -BeLike '*"Remove network" on target "clients".'
                Get-PvcNetwork | Should -BeNullOrEmpty
            }
        }
        'Remove-PvcNetwork 2' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                # the sandbox's VMs have their NICs on vmbr100: without -Force this is refused
                Remove-PvcNetwork 100 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable refused
                $refused[0].FullyQualifiedErrorId | Should -BeLike 'NetworkInUse,*'
            }
            Assert = { param($r)
                $r.Prompts | Should -BeNullOrEmpty
                Get-PvcNetwork | Should -BeNullOrEmpty
                Get-Znode '/networks/100' | Should -BeNullOrEmpty
            }
        }
        'Add-PvcDhcpReservation 1' = @{
            Setup = { param($ctx) New-ExampleNetwork }
            Assert = { param($r)
                $reservation = Get-PvcDhcpLease clients -Static
                $reservation.MacAddress | Should -Be '52:54:00:12:34:56'
                "$($reservation.IpAddress)" | Should -Be '10.100.0.10'
                $reservation.Hostname | Should -Be 'db1'
                Get-Znode '/networks/100/dhcp4_reservations/52:54:00:12:34:56/ipaddr' | Should -Be '10.100.0.10'
            }
        }
        'Add-PvcDhcpReservation 2' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Set-Content -LiteralPath (Join-Path $ctx.Dir 'reservations.csv') -Value @(
                    'Network,IpAddress,Hostname,MacAddress'
                    'clients,10.100.0.10,db1,52:54:00:12:34:56'
                    'clients,10.100.0.11,db2,52:54:00:12:34:57')
            }
            Assert = { param($r)
                $r.Output.Hostname | Should -Be 'db1', 'db2'
                (Get-PvcDhcpLease clients -Static).MacAddress | Sort-Object | Should -Be '52:54:00:12:34:56', '52:54:00:12:34:57'
            }
        }
        'Remove-PvcDhcpReservation 1' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Add-PvcDhcpReservation clients 10.100.0.10 db1 52:54:00:12:34:56 -ErrorAction Stop
            }
            Answers = 'Yes'   # the text's point: it asks first
            Assert = { param($r)
                $r.Prompts | Should -HaveCount 1
                $r.Prompts[0] | Should -BeLike '*"Remove the DHCP reservation of 52:54:00:12:34:56" on target "clients".'
                Get-PvcDhcpLease clients -Static | Should -BeNullOrEmpty
            }
        }
        'Remove-PvcDhcpReservation 2' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Add-PvcDhcpReservation clients 10.100.0.10 db1 52:54:00:12:34:56 -ErrorAction Stop
                Add-PvcDhcpReservation clients 10.100.0.11 db2 52:54:00:12:34:57 -ErrorAction Stop
                Add-ExampleLease 100 52:54:00:ab:cd:ef 10.100.0.120 guest1
            }
            Assert = { param($r)
                $r.Prompts | Should -BeNullOrEmpty
                Get-PvcDhcpLease clients -Static | Should -BeNullOrEmpty
                # the dynamic lease is not a reservation: it stays
                (Get-PvcDhcpLease clients).MacAddress | Should -Be '52:54:00:ab:cd:ef'
            }
        }
        'Get-PvcSriovPf 1' = @{
            Setup = { param($ctx) Add-ExampleSriov }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be 'ens1f0'
                $r.Output.Vfs | Should -Be 'ens1f0v0', 'ens1f0v1'
                $r.Text | Should -Match 'ens1f0v0, ens1f0v1'
            }
            Cleanup = { param($ctx) Remove-ExampleSriov }
        }
        'Get-PvcSriovPf 2' = @{
            Setup = { param($ctx) Add-ExampleSriov }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output | Should -HaveCount 1
                ($r.Output.Name, $r.Output.Vfs) | Should -Be 'hv1', 2
            }
            Cleanup = { param($ctx) Remove-ExampleSriov }
        }
        'Get-PvcSriovVf 1' = @{
            Setup = { param($ctx) Add-ExampleSriov }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be 'ens1f0v0', 'ens1f0v1'
                $r.Text | Should -Match '(?m)^hv1\s+ens1f0v0\s+ens1f0\s+9000\s+52:54:00:12:34:56\s+120\s+enable\s+True'
            }
            Cleanup = { param($ctx) Remove-ExampleSriov }
        }
        'Get-PvcSriovVf 2' = @{
            Setup = { param($ctx) Add-ExampleSriov }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Text | Should -Match 'PciAddress\s+: 0000:01:10\.0'
                $r.Text | Should -Match "UsedBy\s+: $((Get-PvcVm web1).Uuid)"
            }
            Cleanup = { param($ctx) Remove-ExampleSriov }
        }
        'Get-PvcSriovVf 3' = @{
            Setup = { param($ctx) Add-ExampleSriov }
            Assert = { param($r)
                $r.Output | Should -Be 'ens1f0v1', 'web1'
            }
            Cleanup = { param($ctx) Remove-ExampleSriov }
        }
        'Get-PvcDhcpLease 1' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Add-PvcDhcpReservation clients 10.100.0.10 db1 52:54:00:12:34:56 -ErrorAction Stop
                Add-ExampleLease 100 52:54:00:ab:cd:ef 10.100.0.120 guest1
            }
            Assert = { param($r)
                $r.Output | Should -HaveCount 2
                $r.Output.MacAddress | Sort-Object | Should -Be '52:54:00:12:34:56', '52:54:00:ab:cd:ef'
                $r.Text | Should -Match 'db1'
                $r.Text | Should -Match 'guest1'
            }
        }
        'Get-PvcDhcpLease 2' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                New-ExampleNetwork -Vni 101 -Description servers
                Add-ExampleLease 100 52:54:00:ab:cd:ef 10.100.0.120 guest1
                Add-ExampleLease 101 52:54:00:01:02:03 10.101.0.120 guest2
                Add-ExampleLease 101 02:00:00:00:00:01 10.101.0.121 other
            }
            Assert = { param($r)
                $r.Output.MacAddress | Sort-Object | Should -Be '52:54:00:01:02:03', '52:54:00:ab:cd:ef'
            }
        }
        'Add-PvcNetworkAcl 1' = @{
            Setup = { param($ctx) New-ExampleNetwork; Add-PvcNetworkAcl clients first 'icmp type echo-request accept' -ErrorAction Stop }
            Assert = { param($r)
                $rules = Get-PvcNetworkAcl clients -Direction In
                $rules.Description | Should -Be 'first', 'allow-ssh'
                Get-Znode '/networks/100/firewall_rules/in/allow-ssh/rule' | Should -Be 'tcp dport 22 accept'
                Get-Znode '/networks/100/firewall_rules/in/allow-ssh/order' | Should -Be '1'
            }
        }
        'Add-PvcNetworkAcl 2' = @{
            Setup = { param($ctx) New-ExampleNetwork; Add-PvcNetworkAcl clients no-telnet 'tcp dport 23 drop' -Direction Out -ErrorAction Stop }
            Assert = { param($r)
                (Get-PvcNetworkAcl clients -Direction Out).Description | Should -Be 'no-smtp', 'no-telnet'
                Get-Znode '/networks/100/firewall_rules/out/no-telnet/order' | Should -Be '1'
            }
        }
        'Get-PvcNetworkAcl 1' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Add-PvcNetworkAcl clients allow-ssh 'tcp dport 22 accept' -ErrorAction Stop
                Add-PvcNetworkAcl clients no-smtp 'tcp dport 25 drop' -Direction Out -ErrorAction Stop
            }
            Assert = { param($r)
                $r.Output.Description | Sort-Object | Should -Be 'allow-ssh', 'no-smtp'
                $r.Text | Should -Match 'tcp dport 22 accept'
            }
        }
        'Get-PvcNetworkAcl 2' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Add-PvcNetworkAcl clients allow-ssh 'tcp dport 22 accept' -ErrorAction Stop
                Add-PvcNetworkAcl clients no-smtp 'tcp dport 25 drop' -Direction Out -ErrorAction Stop
            }
            Assert = { param($r)
                $r.Output.Description | Should -Be 'no-smtp'
            }
        }
        'Remove-PvcNetworkAcl 1' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Add-PvcNetworkAcl clients allow-ssh 'tcp dport 22 accept' -ErrorAction Stop
                Add-PvcNetworkAcl clients allow-web 'tcp dport 80 accept' -ErrorAction Stop
            }
            Answers = 'Yes'   # the text's point: it asks first
            Assert = { param($r)
                $r.Prompts | Should -HaveCount 1
                $r.Prompts[0] | Should -BeLike "*`"Remove firewall rule 'allow-ssh'`" on target `"clients`"."
                (Get-PvcNetworkAcl clients).Description | Should -Be 'allow-web'
                Get-Znode '/networks/100/firewall_rules/in/allow-web/order' | Should -Be '0'
            }
        }
        'Remove-PvcNetworkAcl 2' = @{
            Setup = { param($ctx)
                New-ExampleNetwork
                Add-PvcNetworkAcl clients allow-ssh 'tcp dport 22 accept' -ErrorAction Stop
                Add-PvcNetworkAcl clients no-smtp 'tcp dport 25 drop' -Direction Out -ErrorAction Stop
                Add-PvcNetworkAcl clients no-telnet 'tcp dport 23 drop' -Direction Out -ErrorAction Stop
            }
            Assert = { param($r)
                $r.Prompts | Should -BeNullOrEmpty
                (Get-PvcNetworkAcl clients).Description | Should -Be 'allow-ssh'
            }
        }

        # ---------------------------------------------------------------- storage (issue 14)
        'Get-PvcStorageStatus 1' = @{ Assert = { param($r) $r.Output[0].Health | Should -Be 'Unknown' } }
        'Get-PvcStorageStatus 2' = @{ Assert = { param($r) $r.Output | Should -BeNullOrEmpty } }
        'Get-PvcPool 1' = @{ Assert = { param($r) $r.Output | Should -BeNullOrEmpty } }
        'Get-PvcPool 2' = @{ Assert = { param($r) $r.Output | Should -BeNullOrEmpty } }
        'Add-PvcOsd 1' = @{ Marked = $cephReason }
        'Add-PvcOsd 2' = @{ Marked = $cephReason }
        'Clear-PvcOsdFlag 1' = @{ Marked = $cephReason }
        'Get-PvcOsd 1' = @{ Marked = $cephReason }
        'Get-PvcOsd 2' = @{ Marked = $cephReason }
        'Get-PvcOsd 3' = @{ Marked = $cephReason }
        'Remove-PvcOsd 1' = @{ Marked = $cephReason }
        'Remove-PvcOsd 2' = @{ Marked = $cephReason }
        'Set-PvcOsd 1' = @{ Marked = $cephReason }
        'Set-PvcOsdFlag 1' = @{ Marked = $cephReason }
        'New-PvcPool 1' = @{ Marked = $cephReason }
        'New-PvcPool 2' = @{ Marked = $cephReason }
        'Remove-PvcPool 1' = @{ Marked = $cephReason }
        'Remove-PvcPool 2' = @{ Marked = $cephReason }
        'Set-PvcPool 1' = @{ Marked = $cephReason }
        'Get-PvcStorageBenchmark 1' = @{ Assert = { param($r) $r.Output | Should -BeNullOrEmpty; $r.Errors | Should -BeNullOrEmpty } }
        'Get-PvcStorageBenchmark 2' = @{ Marked = $cephReason }
        'Get-PvcStorageBenchmark 3' = @{ Marked = $cephReason }
        'Start-PvcStorageBenchmark 1' = @{ Marked = $cephReason }
        'Start-PvcStorageBenchmark 2' = @{ Marked = $cephReason }
        'Update-PvcOsd 1' = @{ Marked = $cephReason }
        'Update-PvcOsd 2' = @{ Marked = $cephReason }
        'Switch-PvcOsdDevice 1' = @{ Marked = $cephReason }
        'Switch-PvcOsdDevice 2' = @{ Marked = $cephReason }
        'New-PvcOsdDbVolumeGroup 1' = @{ Marked = $dbVgReason }
        'New-PvcOsdDbVolumeGroup 2' = @{ Marked = $dbVgReason }
        'Get-PvcVolume 1' = @{ Assert = { param($r) $r.Output | Should -BeNullOrEmpty } }
        'Get-PvcVolume 2' = @{ Marked = $cephReason }
        'Import-PvcVolume 1' = @{ Marked = $cephReason }
        'Import-PvcVolume 2' = @{ Marked = $cephReason }
        'New-PvcVolume 1' = @{ Marked = $cephReason }
        'New-PvcVolume 2' = @{ Marked = $cephReason }
        'Remove-PvcVolume 1' = @{ Marked = $cephReason }
        'Remove-PvcVolume 2' = @{ Marked = $cephReason }
        'Resize-PvcVolume 1' = @{ Marked = $cephReason }
        'Rename-PvcVolume 1' = @{ Marked = $cephReason }
        'Copy-PvcVolume 1' = @{ Marked = $cephReason }
        'Add-PvcVmVolume 1' = @{ Marked = $cephReason }
        'Add-PvcVmVolume 2' = @{ Marked = $cephReason }
        'Add-PvcVmVolume 3' = @{ Marked = $cephReason }
        'Add-PvcVmNetwork 1' = @{
            Setup = { param($ctx) Save-Znode $ctx "/domains/$((Get-PvcVm spare).Uuid)/xml" }
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                $nic = @((Get-PvcVm spare).Nics | Where-Object Source -eq 'brupstream')
                $nic | Should -HaveCount 1
                $nic[0].Mac | Should -Match '^52:54:00(:[0-9a-f]{2}){3}$'
                $nic[0].Model | Should -Be 'virtio'
                @($r.Output | Where-Object Source -eq 'brupstream') | Should -HaveCount 1
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }
        'Add-PvcVmNetwork 2' = @{
            Setup = { param($ctx) Save-Znode $ctx "/domains/$((Get-PvcVm web1).Uuid)/xml" }
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                $nic = @((Get-PvcVm web1).Nics | Where-Object Mac -eq '52:54:00:12:34:56')
                $nic | Should -HaveCount 1
                $nic[0].Model | Should -Be 'e1000'
                # the sandbox's test driver attaches nothing live: the NIC comes with the next restart
                $r.Warnings | Should -BeLike "*web1*52:54:00:12:34:56*restarts*"
                (Get-PvcVm web1).State | Should -Be 'Start'
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }
        'Remove-PvcVmNetwork 1' = @{
            Setup = { param($ctx)
                Save-Znode $ctx "/domains/$((Get-PvcVm spare).Uuid)/xml"
                Add-PvcVmNetwork spare upstream -MacAddress 52:54:00:ab:cd:ef
            }
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                (Get-PvcVm spare).Nics.Mac | Should -Not -Contain '52:54:00:ab:cd:ef'
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }
        'Remove-PvcVmNetwork 2' = @{
            Setup = { param($ctx)
                Save-Znode $ctx "/domains/$((Get-PvcVm spare).Uuid)/xml"
                Add-PvcVmNetwork spare upstream -MacAddress 52:54:00:ab:cd:ef
            }
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                (Get-PvcVm spare).Nics.Source | Should -Not -Contain 'brupstream'
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }
        'Get-PvcVolumeSnapshot 1' = @{ Marked = $cephReason }
        'Get-PvcVolumeSnapshot 2' = @{ Assert = { param($r) $r.Output | Should -BeNullOrEmpty } }
        'New-PvcVolumeSnapshot 1' = @{ Marked = $cephReason }
        'Rename-PvcVolumeSnapshot 1' = @{ Marked = $cephReason }
        'Remove-PvcVolumeSnapshot 1' = @{ Marked = $cephReason }
        'Remove-PvcVolumeSnapshot 2' = @{ Marked = $cephReason }
        'Restore-PvcVolumeSnapshot 1' = @{ Marked = $cephReason }

        # ---------------------------------------------------------------- Add-PvcVmTag
        'Add-PvcVmTag 1' = @{
            Assert = { param($r)
                $tags = (Get-PvcVm web1).Tags
                $tags | Where-Object Name -EQ prod | ForEach-Object Protected | Should -Be $false
                $tags | Where-Object Name -EQ frontend | ForEach-Object Protected | Should -Be $false
                $r.Output | Should -BeNullOrEmpty
            }
        }
        'Add-PvcVmTag 2' = @{
            # a second VM on hv2, stopped, so that "every VM on hv2" means more than one
            Setup = { param($ctx) New-TestVm test1 -Node hv2 }
            Assert = { param($r)
                $vms = Get-PvcVm -Node hv2
                $vms.Name | Should -Contain 'test1'
                foreach ($vm in $vms) {
                    $vm.Tags | Where-Object Name -EQ keep | ForEach-Object Protected | Should -BeTrue -Because "$($vm.Name) is on hv2"
                }
                (Get-PvcVm -Node hv2 -Negate).Tags.Name | Should -Not -Contain 'keep'
                # "Remove-PvcVmTag refuses to remove a protected tag"
                Remove-PvcVmTag web2 keep -ErrorVariable refused -ErrorAction SilentlyContinue
                $refused.FullyQualifiedErrorId | Should -BeLike 'TagProtected*'
                (Get-PvcVm web2).Tags.Name | Should -Contain 'keep'
            }
        }
        'Add-PvcVmTag 3' = @{
            Setup = { param($ctx) Add-PvcVmTag web1 keep -Protected }
            Assert = { param($r)
                (Get-PvcVm web1).Tags.Name | Should -Not -Contain 'keep'
            }
        }

        # ---------------------------------------------------------------- Confirm-PvcFault
        'Confirm-PvcFault 1' = @{
            Setup = { param($ctx) Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors' }
            Assert = { param($r)
                $fault = Get-PvcFault NODE_PLUGIN_DISK_HV3
                $fault.Status | Should -Be 'Ack'
                $fault.AcknowledgedAt | Should -Not -BeNullOrEmpty
                (Get-PvcCluster).Health | Should -Be 100
            }
        }
        'Confirm-PvcFault 2' = @{
            Setup = { param($ctx)
                Add-TestFault VM_FAILED_TEST1 -Delta 10 -Message 'VM test1 was failed'
                Add-TestFault VM_FAILED_TEST2 -Delta 10 -Message 'VM test2 was failed'
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
            }
            Assert = { param($r)
                # "returns the faults as they now are"
                $r.Output.Id | Sort-Object | Should -Be 'VM_FAILED_TEST1', 'VM_FAILED_TEST2'
                $r.Output.Status | Should -Be 'Ack', 'Ack'
                (Get-PvcFault VM_FAILED_*).Status | Should -Be 'Ack', 'Ack'
                (Get-PvcFault NODE_PLUGIN_DISK_HV3).Status | Should -Be 'New'
            }
        }
        'Confirm-PvcFault 3' = @{
            Setup = { param($ctx)
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced'
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
            }
            Assert = { param($r)
                (Get-PvcFault).Status | Should -Be 'Ack', 'Ack'
                $r.Prompts | Should -BeNullOrEmpty
            }
        }

        # ---------------------------------------------------------------- Connect-PvcCluster, Disconnect-PvcCluster
        'Connect-PvcCluster 1' = @{
            Marked = $hostsReason
            Substitute = [ordered]@{ 'hv1, hv2, hv3' = '$PvcSandboxServer' }
            NoConnect = $true   # the example's own connection must become the default
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output | Should -HaveCount 1
                $r.Output[0].Name | Should -Be $script:Baseline.ClusterName
                "$($r.Output[0].State)" | Should -Be 'Connected'
                $r.Output[0].SchemaVersion | Should -Be 15
                # the default connection: the cmdlets that follow need no Cluster parameter
                $r.Run('(Get-PvcCluster).Name').Output | Should -Be $script:Baseline.ClusterName
            }
        }
        'Connect-PvcCluster 2' = @{
            Marked = $hostsReason
            # the lab cluster: a cluster named lab in a chroot of the sandbox's ZooKeeper
            Substitute = [ordered]@{ "'zk1.lab:2181', 'zk2.lab:2181'" = '$PvcLabServer'; "'zk1.prod', 'zk2.prod', 'zk3.prod'" = '$PvcSandboxServer' }
            NoConnect = $true
            Setup = { param($ctx) $ctx.Vars.PvcLabServer = New-ExampleChroot $ctx -ClusterName lab }
            Assert = { param($r)
                $r.Variable('lab').Name | Should -Be 'lab'
                $r.Variable('prod').Name | Should -Be $script:Baseline.ClusterName
                # $prod is the default, $lab is not; $lab works through Cluster
                $r.Run('(Get-PvcCluster).Name').Output | Should -Be $script:Baseline.ClusterName
                $r.Run('(Get-PvcCluster -Cluster $lab).Name').Output | Should -Be 'lab'
            }
            Cleanup = { param($ctx) Remove-ExampleChroot $ctx }
        }
        'Connect-PvcCluster 3' = @{
            Marked = $hostsReason
            # a closed cluster in a chroot of the sandbox's ZooKeeper, whose user alice the example authenticates as
            # (her credential in place of Get-Credential's prompt)
            Substitute = [ordered]@{ "'hv1:2181', 'hv2:2181', 'hv3:2181/pvc'" = '$PvcClosedServer'; 'Get-Credential -UserName alice' = '$PvcAlice' }
            NoConnect = $true
            Setup = { param($ctx)
                $ctx.Vars.PvcClosedServer = New-ClosedExampleChroot $ctx -ClusterName cluster1 -User alice -Password 'al1ce-pw'
                $ctx.Vars.PvcAlice = New-ExampleCredential alice 'al1ce-pw'
            }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output | Should -HaveCount 1
                "$($r.Output[0].AccessMode)" | Should -Be 'Closed'
                $r.Output[0].User | Should -Be 'alice'
                $r.Output[0].Name | Should -Be 'cluster1'
                # "Without the credential, or with a wrong password, the command stops with an AccessDenied error"
                $anonymous = $r.Run('Connect-PvcCluster -Server $PvcClosedServer')
                $anonymous.Errors.FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
                $wrong = $r.Run('Connect-PvcCluster -Server $PvcClosedServer -Credential ([pscredential]::new(''alice'', (ConvertTo-SecureString ''guessed'' -AsPlainText -Force)))')
                $wrong.Errors.FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
            }
            Cleanup = { param($ctx) Remove-ExampleChroot $ctx }
        }
        'Connect-PvcCluster 4' = @{ Marked = $tlsReason }
        'Disconnect-PvcCluster 1' = @{
            Marked = $hostsReason
            Substitute = [ordered]@{ 'hv1, hv2, hv3' = '$PvcSandboxServer' }
            NoConnect = $true
            Assert = { param($r)
                "$($r.Output[0].State)" | Should -Be 'Closed'
                # no default connection any more
                $r.Run('Get-PvcCluster').Errors.FullyQualifiedErrorId | Should -BeLike 'NotConnected*'
            }
        }
        'Disconnect-PvcCluster 2' = @{
            Marked = $hostsReason
            Substitute = [ordered]@{ 'zk1.lab' = '$PvcLabServer' }
            Setup = { param($ctx) $ctx.Vars.PvcLabServer = New-ExampleChroot $ctx -ClusterName lab }
            Assert = { param($r)
                "$($r.Variable('lab').State)" | Should -Be 'Closed'
                # the runspace's default connection is not affected
                $r.Run('(Get-PvcCluster).Name').Output | Should -Be $script:Baseline.ClusterName
            }
            Cleanup = { param($ctx) Remove-ExampleChroot $ctx }
        }

        # ---------------------------------------------------------------- Disable-PvcVm
        'Disable-PvcVm 1' = @{
            Setup = { param($ctx) New-TestVm test1 -Node hv1 -Start }
            Assert = { param($r)
                $vm = Get-PvcVm test1
                $vm.State | Should -Be 'Disable'
                # off: its node no longer runs it (the node reports what it runs with each keepalive)
                Wait-Until -Because 'hv1 to report test1 off' { (Get-PvcNode hv1).RunningVms -notcontains $vm.Uuid } | Out-Null
            }
        }
        'Disable-PvcVm 2' = @{
            Setup = { param($ctx)
                New-TestVm x1 -Node hv1 -Start -Tag project-x
                New-TestVm x2 -Node hv2 -Start -Tag project-x
            }
            Assert = { param($r)
                $r.Output.Name | Sort-Object | Should -Be 'x1', 'x2'
                $r.Output.State | Should -Be 'Disable', 'Disable'
                (Get-PvcVm -Tag project-x).State | Should -Be 'Disable', 'Disable'
            }
        }
        'Disable-PvcVm 3' = @{
            Setup = { param($ctx)
                New-TestVm old1 -Node hv1 -Start -Tag retired
                New-TestVm old2 -Node hv3 -Start -Tag retired
                New-TestVm old3 -Node hv2 -Tag retired   # stopped: not selected
            }
            Assert = { param($r)
                $r.Output.Name | Sort-Object | Should -Be 'old1', 'old2'
                $r.Output.State | Should -Be 'Disable', 'Disable'
                (Get-PvcVm old3).State | Should -Be 'Stop'
            }
        }

        # ---------------------------------------------------------------- Get-PvcCluster
        'Get-PvcCluster 1' = @{
            Setup = { param($ctx) Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors' }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be $script:Baseline.ClusterName
                $r.Text | Should -Match '(?m)^Health\s+: 90%\s*$'
                $r.Text | Should -Match '(?m)^ActiveFaults\s+: NODE_PLUGIN_DISK_HV3 \(-10%\) Node hv3 disk plugin: /dev/sdb SMART errors\s*$'
                $r.Text | Should -Match '(?m)^Nodes\s+: 3/3 run,ready\s*$'
            }
        }
        'Get-PvcCluster 2' = @{
            Setup = { param($ctx)
                $ctx.Vars.prod = Connect-PvcCluster -Server $script:Server -NoDefault
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced' -Status Ack
            }
            Assert = { param($r)
                # one warning per active fault; the acknowledged one is not active
                $r.Warnings | Should -Be 'NODE_PLUGIN_DISK_HV3: Node hv3 disk plugin: /dev/sdb SMART errors'
                $r.Variable('status').Health | Should -Be 90
            }
        }

        # ---------------------------------------------------------------- Get-PvcFault
        'Get-PvcFault 1' = @{
            Setup = { param($ctx)
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced' -Status Ack -Reported '2026-11-24 09:41:12'
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors' -Reported '2026-11-24 10:05:00'
                Add-TestFault VM_FAILED_TEST1 -Delta 10 -Message 'VM test1 was failed' -Reported '2026-11-23 08:00:00'
            }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                # most recently reported first
                $r.Output.Id | Should -Be 'NODE_PLUGIN_DISK_HV3', 'DEAD_NODE_HV2', 'VM_FAILED_TEST1'
                $r.Text | Should -Match 'NODE_PLUGIN_DISK_HV3 new\s+-10%'
                $r.Text | Should -Match 'DEAD_NODE_HV2\s+ack\s+-50%'
            }
        }
        'Get-PvcFault 2' = @{
            Setup = { param($ctx)
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
                Add-TestFault NODE_PLUGIN_LOAD_HV2 -Delta 30 -Message 'Node hv2 load plugin: load 40'
                Add-TestFault NODE_PLUGIN_NICS_HV1 -Delta 5 -Message 'Node hv1 nics plugin: bond0 degraded'
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced'
            }
            Assert = { param($r)
                $r.Output.Id | Should -Be 'NODE_PLUGIN_NICS_HV1', 'NODE_PLUGIN_DISK_HV3', 'NODE_PLUGIN_LOAD_HV2'
            }
        }
        'Get-PvcFault 3' = @{
            Setup = { param($ctx)
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced'
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
                (Get-PvcCluster).Health | Should -Be 40
            }
            Assert = { param($r)
                (Get-PvcFault DEAD_NODE_HV2).Status | Should -Be 'Ack'
                (Get-PvcFault NODE_PLUGIN_DISK_HV3).Status | Should -Be 'New'
                # "so that they no longer lower the cluster's health"
                (Get-PvcCluster).Health | Should -Be 90
            }
        }

        # ---------------------------------------------------------------- Get-PvcTask
        'Get-PvcTask 1' = @{ Marked = $taskReason }
        'Get-PvcTask 2' = @{ Marked = $taskReason }
        'Get-PvcTask 3' = @{ Marked = $taskReason }

        # ---------------------------------------------------------------- Get-PvcNode
        'Get-PvcNode 1' = @{
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be 'hv1', 'hv2', 'hv3'
            }
        }
        'Get-PvcNode 2' = @{
            Setup = { param($ctx) Suspend-PvcNode hv2 -Wait | Out-Null }
            Assert = { param($r)
                # the flushed node, then the dead ones (none here: every node service runs)
                (Get-PvcNode | Where-Object DaemonState -EQ Dead) | Should -BeNullOrEmpty
                $r.Output.Name | Should -Be 'hv2'
                $r.Output.DomainState | Should -Be 'Flushed'
            }
        }
        'Get-PvcNode 4' = @{
            Setup = { param($ctx)
                # the node's health loop records its plugins in its first round, soon after the node service starts
                $until = [DateTime]::UtcNow.AddSeconds(60)
                while (-not (Get-PvcNode hv3).HealthPlugins -and [DateTime]::UtcNow -lt $until) { Start-Sleep -Milliseconds 200 }
            }
            Assert = { param($r)
                $plugins = @($r.Output)
                # the compiled plugins that apply to a sandbox node (a test-driver hypervisor, a coordinator)
                $plugins.Name | Should -Contain 'libvirt'
                $plugins.Name | Should -Contain 'zookeeper'
                $sum = ($plugins | Measure-Object -Property HealthDelta -Sum).Sum
                (Get-PvcNode hv3).Health | Should -Be ([Math]::Max(0, 100 - $sum))
            }
        }
        'Get-PvcNode 3' = @{
            Assert = { param($r)
                $primary = @(Get-PvcNode | Where-Object CoordinatorState -EQ Primary)
                $primary.Count | Should -Be 1
                $r.Output | Should -HaveCount 1
                $r.Output[0] | Should -BeOfType [string]
                $r.Output[0] | Should -Be $primary[0].Name
            }
        }

        # ---------------------------------------------------------------- Get-PvcNodeLog (logs seeded as PVC's node daemon writes them)
        'Get-PvcNodeLog 1' = @{
            Setup = { param($ctx)
                $ctx.Data.Lines = 1..30 | ForEach-Object { New-LogLine "hv1 log line $_ of 30" }
                Save-Znode $ctx "/logs/hv1/messages"
                Set-Znode '/logs/hv1/messages' ($ctx.Data.Lines -join "`n")
            }
            Assert = { param($r, $ctx)
                $r.Output | Should -Be ($ctx.Data.Lines | Select-Object -Last 20)
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }
        'Get-PvcNodeLog 2' = @{
            Setup = { param($ctx)
                $ctx.Data.Fence = @()
                foreach ($node in 'hv1', 'hv2', 'hv3') {
                    $lines = @(1..50 | ForEach-Object { New-LogLine "$node keepalive $_" })
                    if ($node -ne 'hv1') {
                        $lines[20] = New-LogLine "Fence monitor: node hv9 ($node saw it) has no keepalive; fencing it"
                        $lines[40] = New-LogLine "Fence of hv9 confirmed by its BMC"
                        $ctx.Data.Fence += $lines[20], $lines[40]
                    }
                    Save-Znode $ctx "/logs/$node/messages"
                    Set-Znode "/logs/$node/messages" ($lines -join "`n")
                }
            }
            Assert = { param($r, $ctx)
                $r.Output | ForEach-Object { $_ | Should -BeOfType [Microsoft.PowerShell.Commands.MatchInfo] }
                $r.Output.Line | Should -Be $ctx.Data.Fence
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }

        'Get-PvcNodeLog 3' = @{
            # the node's own log as its service writes it, then a line stored meanwhile; Ctrl+C after it
            Setup = { param($ctx)
                Save-Znode $ctx "/logs/hv1/messages"
                $ctx.Data.Lines = @((Get-PvcNodeLog hv1 -Tail 5))
            }
            During = { param($ctx)
                Start-Sleep -Seconds 2
                $ctx.Data.New = New-LogLine 'a line stored while -Follow watches'
                $now = (Get-PvcNodeLog hv1 -Tail 2000) -join "`n"
                Set-Znode '/logs/hv1/messages' ($now + "`n" + $ctx.Data.New)
            }
            StopAfter = 5
            Assert = { param($r, $ctx)
                $r.Thrown | Should -BeNullOrEmpty
                $ctx.Data.Lines.Count | Should -BeGreaterThan 0 -Because "hv1's node service logs into the cluster"
                # the last line there was when it started, then (after any the node logged meanwhile) the one stored during it
                $r.Output | Should -Contain $ctx.Data.Lines[-1]
                $r.Output | Should -Contain $ctx.Data.New
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }

        # ---------------------------------------------------------------- Get-PvcNodeStat
        'Get-PvcNodeStat 1' = @{
            Assert = { param($r, $ctx, $example)
                $r.Output.Name | Should -Be 'hv1', 'hv2', 'hv3'
                $r.Output | ForEach-Object { $_.CpuCount | Should -BeGreaterThan 0; $_.MemoryTotalMiB | Should -BeGreaterThan 0 }
                $r.Text | Should -Match '(?m)^Name\s+CPUs\s+Load'
            }
        }
        'Get-PvcNodeStat 2' = @{
            Assert = { param($r)
                # the sandbox's nodes share this machine's interfaces: its physical ones (those with a device in sysfs), as PVC's netstats
                $r.Errors | Should -BeNullOrEmpty
                $physical = @(Get-ChildItem /sys/class/net | Where-Object { Test-Path (Join-Path $_.FullName 'device') } | ForEach-Object Name | Sort-Object)
                @((Get-PvcNodeStat hv1).Interfaces.Name) | Should -Be $physical
                if ($physical) { $r.Text | Should -Match '(?m)^Name\s+State\s+ReceiveBitsPerSecond\s+SendBitsPerSecond' }
            }
        }

        # ---------------------------------------------------------------- Get-PvcVm
        'Get-PvcVm 1' = @{
            # as in the sample, web1 is temporarily migrated from hv1 to hv3
            Setup = { param($ctx) Move-PvcVm web1 -Node hv3 -Wait | Out-Null }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be ($script:Baseline.Vms.Name | Sort-Object)
                $r.Text | Should -Match '(?m)^web1\s+start\s+hv3\s+from hv1\s'
            }
        }
        'Get-PvcVm 2' = @{
            Assert = { param($r)
                $all = Get-PvcVm
                $expected = @($all | Where-Object Name -Like 'web*') + @($all | Where-Object { $_.Node -eq 'hv1' -and $_.State -eq 'Start' }) +
                    @($all | Where-Object State -NE 'Start')
                $r.Output.Name | Should -Be $expected.Name
                $expected.Name | Should -Contain 'spare'
            }
        }
        'Get-PvcVm 3' = @{
            Assert = { param($r)
                foreach ($label in 'Name', 'Disks', 'Nics', 'NodeLimit', 'NodeSelector', 'MigrationMethod', 'MigrationMaxDowntime', 'Snapshots', 'Vnc') {
                    $r.Text | Should -Match "(?m)^$label\s+:"
                }
                $r.Text | Should -Match '(?m)^Name\s+: web1\s*$'
            }
        }
        'Get-PvcVm 4' = @{
            Setup = { param($ctx) Move-PvcVm web1 -Node hv2 -Wait | Out-Null }
            Assert = { param($r)
                $r.Output | Should -HaveCount 1
                $r.Output[0].PSObject.Properties.Name | Should -Be 'Name', 'Node', 'LastNode'
                $r.Output[0].Name | Should -Be 'web1'
                $r.Output[0].Node | Should -Be 'hv2'
                $r.Output[0].LastNode | Should -Be 'hv1'
            }
        }

        # ---------------------------------------------------------------- Get-PvcVmLog (console logs seeded as PVC's node daemon writes them)
        'Get-PvcVmLog 1' = @{
            Setup = { param($ctx)
                $uuid = (Get-PvcVm web1).Uuid
                $ctx.Data.Lines = 1..12 | ForEach-Object { "[    $_.000000] web1 console line $_" }
                Save-Znode $ctx "/domains/$uuid/consolelog"
                Set-Znode "/domains/$uuid/consolelog" ($ctx.Data.Lines -join "`n")
            }
            Assert = { param($r, $ctx)
                $r.Output | Should -Be ($ctx.Data.Lines | Select-Object -Last 5)
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }
        'Get-PvcVmLog 2' = @{
            Setup = { param($ctx)
                $vm = New-TestVm bad1 -Node hv2 -Failing -Start
                $ctx.Data.Lines = 1..30 | ForEach-Object { "[    $_.000000] bad1 console line $_" }
                Set-Znode "/domains/$($vm.Uuid)/consolelog" ($ctx.Data.Lines -join "`n")
            }
            Assert = { param($r, $ctx)
                $failed = Get-PvcVm bad1
                $failed.FailedReason | Should -Not -BeNullOrEmpty
                $r.Output | Should -Be (@("== bad1: $($failed.FailedReason)") + @($ctx.Data.Lines | Select-Object -Last 20))
            }
        }

        'Get-PvcVmLog 3' = @{
            # the node writes the console when the guest does (the sandbox's test-driver guests write none): a line stored
            # as the node stores one, while -Follow watches; Ctrl+C after it
            Setup = { param($ctx)
                $ctx.Data.Uuid = (Get-PvcVm web1).Uuid
                Save-Znode $ctx "/domains/$($ctx.Data.Uuid)/consolelog"
                Set-Znode "/domains/$($ctx.Data.Uuid)/consolelog" "[    1.000000] an old line`n"
            }
            During = { param($ctx)
                Start-Sleep -Seconds 2
                Set-Znode "/domains/$($ctx.Data.Uuid)/consolelog" "[    1.000000] an old line`n[    2.000000] web1 login: `n"
            }
            StopAfter = 5
            Assert = { param($r)
                $r.Thrown | Should -BeNullOrEmpty
                $r.Output | Should -Be '[    2.000000] web1 login: '
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }

        # ---------------------------------------------------------------- Get-PvcVmStat
        'Get-PvcVmStat 1' = @{
            Assert = { param($r)
                $running = @(Get-PvcVm -State Start)
                $r.Output.Name | Sort-Object | Should -Be ($running.Name | Sort-Object)
                # the test driver gives libvirt's state only: the VMs' memory and vCPUs are what they are defined with
                foreach ($stat in $r.Output) {
                    $vm = $running | Where-Object Name -EQ $stat.Name
                    $stat.State | Should -Be 'RUNNING'
                    $stat.MemoryMiB | Should -Be $vm.MemoryMiB
                    $stat.Vcpus | Should -Be $vm.Vcpus
                    $stat.Interval | Should -Not -BeNullOrEmpty -Because 'two reports were compared'
                }
                $r.Text | Should -Match '(?m)^Name\s+Node\s+vCPUs\s+CPU %'
            }
        }
        'Get-PvcVmStat 2' = @{
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                $r.Output | Should -Not -BeNullOrEmpty
                $r.Output[0].PSObject.Properties.Name | Should -Be 'Name', 'CpuPercent'
                $onHv1 = @(Get-PvcVm -Node hv1 -State Start).Name
                $r.Output.Name | ForEach-Object { $onHv1 | Should -Contain $_ }
            }
        }

        # ---------------------------------------------------------------- Initialize-PvcCluster
        'Initialize-PvcCluster 1' = @{
            Marked = $hostsReason
            # an empty ZooKeeper: an empty chroot of the sandbox's; alice's and pvcnode's credentials in place of the prompts
            Substitute = [ordered]@{ 'hv1, hv2, hv3' = '$PvcEmptyServer'; '(Get-Credential -UserName alice)' = '$PvcAlice'; '(Get-Credential -UserName pvcnode)' = '$PvcNode' }
            NoConnect = $true
            Setup = { param($ctx)
                $ctx.Vars.PvcEmptyServer = New-ExampleChroot $ctx
                $ctx.Vars.PvcAlice = New-ExampleCredential alice 'al1ce-pw'
                $ctx.Vars.PvcNode = New-ExampleCredential pvcnode 'm3mber-pw'
                Grant-ExampleAccess alice 'al1ce-pw'
            }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $status = @($r.Output | Where-Object { $_ -is [Pvc.Core.Cluster.ClusterStatus] })
                $status | Should -HaveCount 1
                $status[0].Name | Should -Be 'cluster1'
                $status[0].Health | Should -Be 100
                $status[0].NodeCount | Should -Be 0
                Get-Znode "$($ctx.Data.Chroot)/config" | Should -Be 'cluster1'
                Get-Znode "$($ctx.Data.Chroot)/config/migration_target_selector" | Should -Be 'mem'
                # closed, "for alice and the node services' user pvcnode"
                $acl = (Invoke-Zk { $script:ZkRaw.GetAclAsync("$($ctx.Data.Chroot)/config", [Threading.CancellationToken]::None) }).Item1
                @($acl | ForEach-Object { "$($_.Scheme):$($_.Id.Split(':')[0])" }) | Should -Be 'digest:alice', 'digest:pvcnode'
                $r.Run('Connect-PvcCluster -Server $PvcEmptyServer -NoDefault').Errors.FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
                $r.Run('(Connect-PvcCluster -Server $PvcEmptyServer -Credential $PvcNode -NoDefault).AccessMode').Output | Should -Be 'Closed'
            }
            Cleanup = { param($ctx) Remove-ExampleChroot $ctx }
        }
        'Initialize-PvcCluster 2' = @{
            Marked = $hostsReason
            # the lab cluster: a cluster in a chroot of the sandbox's ZooKeeper, with a fault to be deleted
            Substitute = [ordered]@{ 'zk1.lab' = '$PvcLabServer' }
            Setup = { param($ctx)
                $ctx.Vars.PvcLabServer = New-ExampleChroot $ctx -ClusterName oldlab
                Set-Znode "$($ctx.Data.Chroot)/faults/OLD_FAULT" ''
            }
            Answers = 'Yes'   # the text's point: it asks first
            Assert = { param($r, $ctx)
                $r.Prompts | Should -HaveCount 1
                $r.Prompts[0] | Should -BeLike "*Replace the cluster's state with a new, empty cluster 'lab'*"
                $r.Warnings | Should -BeLike "*open (PVC-compatible)*IPMI passwords*"
                (Invoke-Zk { $script:ZkRaw.GetAclAsync("$($ctx.Data.Chroot)/config", [Threading.CancellationToken]::None) }).Item1.Scheme | Should -Be 'world'
                $r.Output.Name | Should -Be 'lab'
                Get-Znode "$($ctx.Data.Chroot)/config" | Should -Be 'lab'
                Get-Znode "$($ctx.Data.Chroot)/config/migration_target_selector" | Should -Be 'load'
                Get-Znode "$($ctx.Data.Chroot)/faults/OLD_FAULT" | Should -BeNullOrEmpty
            }
            Cleanup = { param($ctx) Remove-ExampleChroot $ctx }
        }

        # ---------------------------------------------------------------- Move-PvcVm
        'Move-PvcVm 1' = @{
            Assert = { param($r)
                # web1 (running) and spare (stopped) were on hv1
                $r.Output.Name | Sort-Object | Should -Be 'spare', 'web1'
                foreach ($name in 'web1', 'spare') {
                    $vm = Get-PvcVm $name
                    $vm.Node | Should -Be 'hv2' -Because "$name was moved to hv2"
                    $vm.LastNode | Should -Be 'hv1' -Because "$name remembers hv1"
                }
                (Get-PvcVm web1).State | Should -Be 'Start'
            }
        }
        'Move-PvcVm 2' = @{
            Setup = { param($ctx) Wait-NodeStats }   # the selector reads the nodes' figures: fresh ones for both runs
            Assert = { param($r)
                $r.HostText | Should -Match '^What if: Performing the operation "Migrate VM from hv1 to (hv\d)" on target "web1"\.\s*$'
                $chosen = [regex]::Match($r.HostText, 'to (hv\d)"').Groups[1].Value
                (Get-PvcVm web1).Node | Should -Be 'hv1'
                (Get-PvcVm web1).LastNode | Should -BeNullOrEmpty
                # the node it named is the one the selector does choose
                (Move-PvcVm web1 -Wait).Node | Should -Be $chosen
            }
        }
        'Move-PvcVm 3' = @{
            Setup = { param($ctx)
                Move-PvcVm web1 -Node hv2 -Wait | Out-Null
                Move-PvcVm web2 -Node hv3 -Wait | Out-Null
            }
            Assert = { param($r)
                $r.Output.Name | Sort-Object | Should -Be 'web1', 'web2'
                (Get-PvcVm web1).Node | Should -Be 'hv1'
                (Get-PvcVm web2).Node | Should -Be 'hv2'
                (Get-PvcVm | Where-Object IsMigrated) | Should -BeNullOrEmpty
                (Get-PvcVm web1, web2).State | Should -Be 'Start', 'Start'
            }
        }
        'Move-PvcVm 4' = @{ Marked = $liveReason }
        'Unlock-PvcVmDisk 1' = @{ Marked = $cephReason }
        'Unlock-PvcVmDisk 2' = @{ Marked = $cephReason }
        'Move-PvcVm 5' = @{
            # two running VMs on hv1, to migrate side by side
            Setup = { param($ctx) Start-PvcVm spare -Wait | Out-Null }
            Assert = { param($r)
                $r.Variable('jobs') | Should -HaveCount 2
                $r.Variable('jobs').State | Should -Be 'Completed', 'Completed'
                $r.Output.Name | Sort-Object | Should -Be 'spare', 'web1'
                $r.Output.Node | Should -Be 'hv3', 'hv3'
                $r.Output.State | Should -Be 'Start', 'Start'
                (Get-PvcVm -Node hv1 -State Start) | Should -BeNullOrEmpty
            }
        }

        # ---------------------------------------------------------------- New-PvcVm
        'New-PvcVm 1' = @{
            Setup = { param($ctx) Set-Content -Path (Join-Path $ctx.Dir app1.xml) -Value (New-TestVmXml app1 -Vcpus 4 -MemoryMiB 8192) }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $vm = Get-PvcVm app1
                $r.Output.Uuid | Should -Be $vm.Uuid
                $vm.Node | Should -Be 'hv3'
                $vm.Tags.Name | Should -Be 'app'
                $vm.NodeLimit | Should -Be 'hv2', 'hv3'
                $vm.State | Should -Be 'Stop'
                $r.Text | Should -Match '(?m)^app1\s+stop\s+hv3\s+no\s+4\s+8192\s+app\s'
            }
        }
        'New-PvcVm 2' = @{
            Setup = { param($ctx)
                $export = New-Item -ItemType Directory -Path (Join-Path $ctx.Dir export)
                Set-Content -Path (Join-Path $export exp1.xml) -Value (New-TestVmXml exp1 -MemoryMiB 1024)
                Set-Content -Path (Join-Path $export exp2.xml) -Value (New-TestVmXml exp2 -MemoryMiB 1024)
                # the nodes with the most memory not provisioned to VMs, as the nodes report it now
                Wait-NodeStats
                $free = Get-PvcNode | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Free = $_.MemoryUsedMiB + $_.MemoryFreeMiB - $_.MemoryProvisionedMiB } }
                $max = ($free | Measure-Object Free -Maximum).Maximum
                $ctx.Data.Best = @($free | Where-Object Free -EQ $max).Name
            }
            Assert = { param($r, $ctx)
                $r.Output.Name | Should -Be 'exp1', 'exp2'
                $r.Output.State | Should -Be 'Start', 'Start'
                foreach ($name in 'exp1', 'exp2') {
                    (Get-PvcVm $name).NodeSelector | Should -Be 'MemProv'
                    (Get-PvcVm $name).State | Should -Be 'Start'
                }
                (Get-PvcVm exp1).Node | Should -BeIn $ctx.Data.Best
            }
        }
        'New-PvcVm 3' = @{
            Setup = { param($ctx) Set-Content -Path (Join-Path $ctx.Dir db2.xml) -Value (New-TestVmXml db2) }
            Assert = { param($r)
                $vm = Get-PvcVm db2
                $r.Output.Uuid | Should -Be $vm.Uuid
                $vm.Tags | Where-Object Name -EQ prod | ForEach-Object Protected | Should -BeTrue
                $vm.MigrationMethod | Should -Be 'Live'
            }
        }

        # ---------------------------------------------------------------- Remove-PvcFault
        'Remove-PvcFault 1' = @{
            Setup = { param($ctx)
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced'
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
            }
            Answers = 'Yes'   # the text's point: it asks first
            Assert = { param($r)
                $r.Prompts | Should -HaveCount 1
                $r.Prompts[0] | Should -BeLike '*Performing the operation "Delete fault" on target "DEAD_NODE_HV2".'
                (Get-PvcFault).Id | Should -Be 'NODE_PLUGIN_DISK_HV3'
            }
        }
        'Remove-PvcFault 2' = @{
            Setup = { param($ctx)
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced' -Status Ack
                Add-TestFault VM_FAILED_TEST1 -Delta 10 -Message 'VM test1 was failed' -Status Ack
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
            }
            Assert = { param($r)
                (Get-PvcFault).Id | Should -Be 'NODE_PLUGIN_DISK_HV3'
            }
        }
        'Remove-PvcFault 3' = @{
            Setup = { param($ctx)
                Add-TestFault DEAD_NODE_HV2 -Delta 50 -Message 'Node hv2 was dead and has been fenced' -Status Ack
                Add-TestFault NODE_PLUGIN_DISK_HV3 -Delta 10 -Message 'Node hv3 disk plugin: /dev/sdb SMART errors'
            }
            Answers = 'Yes'   # the text's point: it asks first
            Assert = { param($r)
                $r.Prompts | Should -HaveCount 1
                $r.Prompts[0] | Should -BeLike '*Performing the operation "Delete every fault" on target "*'
                Get-PvcFault | Should -BeNullOrEmpty
            }
        }

        # ---------------------------------------------------------------- Remove-PvcVm
        'Remove-PvcVm 1' = @{
            Setup = { param($ctx) New-TestVm test1 -Node hv1 -Start }
            Answers = 'Yes'   # the text's point: it asks first; the prompt is the sample's
            Assert = { param($r, $ctx, $example)
                $r.Prompts | Should -HaveCount 1
                $r.Prompts[0] | Should -Be ($example.Sample[0..2] -join "`n")
                Get-PvcVm test1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                (Get-PvcVm).Name | Should -Not -Contain 'test1'
            }
        }
        'Remove-PvcVm 2' = @{
            Setup = { param($ctx)
                New-TestVm scratch1 -Node hv1 -Start -Tag scratch
                New-TestVm scratch2 -Node hv2 -Tag scratch
            }
            Assert = { param($r)
                (Get-PvcVm -Tag scratch) | Should -BeNullOrEmpty
                (Get-PvcVm).Name | Should -Not -Contain 'scratch1'
                # the refusal of the stopped VM was silenced, not absent
                $r.ErrorVariable | Where-Object { $_.FullyQualifiedErrorId -like 'VmNotRunning*' -and $_.TargetObject -eq 'scratch2' } | Should -HaveCount 1
            }
        }
        'Remove-PvcVm 3' = @{ Marked = $cephReason + '; Remove-PvcVm -DeleteVolumes deletes RBD volumes, as tests/Pvc.PowerShell.Tests/Storage/VmRemoveCmdletTests does against the Ceph lab' }
        'Remove-PvcVm 4' = @{ Marked = $cephReason + '; the shared-volume refusal of Remove-PvcVm -DeleteVolumes is tests/Pvc.PowerShell.Tests/Storage/VmRemoveCmdletTests.A_volume_another_VM_also_has_is_refused_before_anything_is_stopped_or_removed' }

        # ---------------------------------------------------------------- Remove-PvcVmTag
        'Get-PvcPlacementRecommendation 1' = @{
            Assert = { param($r)
                foreach ($move in $r.Output) {
                    $move.To | Should -Not -Be $move.From
                    $move.Improvement | Should -BeGreaterThan 0
                }
            }
        }
        'Get-PvcPlacementRecommendation 2' = @{
            Assert = { param($r)
                # the moves made, nothing is left to recommend
                Get-PvcPlacementRecommendation | Should -BeNullOrEmpty
            }
        }
        'Invoke-PvcRebalance 1' = @{
            Assert = { param($r)
                $r.Output | Should -BeNullOrEmpty
                # one line per recommended move, and nothing moved
                $recommended = @(Get-PvcPlacementRecommendation)
                @([regex]::Matches($r.HostText, 'What if: Performing the operation "Move VM from hv\d to hv\d \(cluster score -\d\.\d{4}\)"')).Count | Should -Be $recommended.Count
            }
        }
        'Invoke-PvcRebalance 2' = @{
            Assert = { param($r)
                foreach ($move in $r.Output) { (Get-PvcVm $move.VmName).Node | Should -Be $move.To }
                # converged: nothing is left to recommend, and a second run makes no move
                Get-PvcPlacementRecommendation | Should -BeNullOrEmpty
                Invoke-PvcRebalance -Confirm:$false | Should -BeNullOrEmpty
            }
        }
        'Invoke-PvcRebalance 3' = @{
            Assert = { param($r)
                $r.Output | Should -BeGreaterOrEqual 0
                Get-PvcPlacementRecommendation | Should -BeNullOrEmpty
            }
        }
        'New-PvcPlacementRule 1' = @{
            Assert = { param($r)
                $r.Output.Name | Should -Be 'web-apart'
                $rule = Get-PvcPlacementRule web-apart
                ($rule.Kind, $rule.Hard) | Should -Be 'KeepApart', $true
                $rule.VmNames | Should -Be 'web1', 'web2'
            }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'New-PvcPlacementRule 2' = @{
            Assert = { param($r)
                $rule = Get-PvcPlacementRule web-db
                ($rule.Kind, $rule.Hard) | Should -Be 'KeepTogether', $false
                $rule.VmNames | Should -Be 'web1', 'db1'
            }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'New-PvcPlacementRule 3' = @{
            Assert = { param($r)
                $r.HostText | Should -Match 'web-spread'
                Get-PvcPlacementRule | Should -BeNullOrEmpty
            }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'Get-PvcPlacementRule 1' = @{
            Setup = { param($ctx)
                New-PvcPlacementRule web-apart -Vm web1, web2 -Hard -ErrorAction Stop
                New-PvcPlacementRule web-db -Vm web1, db1 -Type KeepTogether -ErrorAction Stop
            }
            Assert = { param($r)
                $r.Output.Name | Should -Be 'web-apart', 'web-db'
                $r.Text | Should -Match 'KeepTogether'
            }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'Get-PvcPlacementRule 2' = @{
            Setup = { param($ctx)
                New-PvcPlacementRule web-apart -Vm web1, web2 -Hard -ErrorAction Stop
                New-PvcPlacementRule web-db -Vm web1, db1 -Type KeepTogether -ErrorAction Stop
            }
            Assert = { param($r) $r.Output.Name | Should -Be 'web-db' }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'Get-PvcPlacementRule 3' = @{
            Setup = { param($ctx)
                New-PvcPlacementRule web-apart -Vm web1, web2 -Hard -ErrorAction Stop
                New-PvcPlacementRule db-pair -Vm db1, spare -ErrorAction Stop
            }
            Assert = { param($r) $r.Output.Name | Should -Be 'web-apart' }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'Remove-PvcPlacementRule 1' = @{
            Setup = { param($ctx) New-PvcPlacementRule web-apart -Vm web1, web2 -Hard -ErrorAction Stop }
            Answers = 'Yes'   # the text's point: it asks first
            Assert = { param($r)
                $r.Prompts | Should -HaveCount 1
                Get-PvcPlacementRule | Should -BeNullOrEmpty
            }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'Remove-PvcPlacementRule 2' = @{
            Setup = { param($ctx)
                New-PvcPlacementRule web-apart -Vm web1, web2 -Hard -ErrorAction Stop
                New-PvcPlacementRule web-db -Vm web1, db1 -Type KeepTogether -ErrorAction Stop
            }
            Assert = { param($r) (Get-PvcPlacementRule).Name | Should -Be 'web-apart' }
            Cleanup = { param($ctx) Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false }
        }
        'Remove-PvcVmTag 1' = @{
            Setup = { param($ctx) Add-PvcVmTag web1 frontend, prod }
            Assert = { param($r)
                (Get-PvcVm web1).Tags.Name | Should -Not -Contain 'frontend'
                (Get-PvcVm web1).Tags.Name | Should -Contain 'prod'
            }
        }
        'Remove-PvcVmTag 2' = @{
            Setup = { param($ctx)
                Add-PvcVmTag web1 maintenance
                Add-PvcVmTag db1 maintenance
            }
            Assert = { param($r)
                Get-PvcVm -Tag maintenance | Should -BeNullOrEmpty
            }
        }
        'Remove-PvcVmTag 3' = @{
            Setup = { param($ctx)
                Add-PvcVmTag web2 keep -Protected
                Add-PvcVmTag web2 temp
            }
            ExpectErrors = $true
            Assert = { param($r, $ctx, $example)
                $r.Errors | Should -HaveCount 1
                $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'TagProtected*'
                (Format-ErrorLine $r.Errors[0]) | Should -Be $example.Sample[0]
                $tags = (Get-PvcVm web2).Tags
                $tags.Name | Should -Not -Contain 'temp'
                $tags | Where-Object Name -EQ keep | ForEach-Object Protected | Should -BeTrue
            }
        }

        # ---------------------------------------------------------------- Rename-PvcVm
        'Rename-PvcVm 1' = @{
            Setup = { param($ctx)
                Stop-PvcVm db1 -Wait | Out-Null
                $ctx.Data.Uuid = (Get-PvcVm db1).Uuid
            }
            Assert = { param($r, $ctx)
                $r.Output.Name | Should -Be 'db-old'
                $r.Output.Uuid | Should -Be $ctx.Data.Uuid
                (Get-PvcVm db-old).Uuid | Should -Be $ctx.Data.Uuid
                (Get-PvcVm).Name | Should -Not -Contain 'db1'
            }
        }
        'Rename-PvcVm 2' = @{
            Setup = { param($ctx) $ctx.Data.Uuid = (Get-PvcVm web2).Uuid }
            Assert = { param($r, $ctx)
                $r.Output.Name | Should -Be 'web2-legacy'
                $r.Output.State | Should -Be 'Start'
                $vm = Get-PvcVm web2-legacy
                $vm.Uuid | Should -Be $ctx.Data.Uuid
                $vm.State | Should -Be 'Start'
                Wait-Until -Because "$($vm.Node) to report web2-legacy running" { (Get-PvcNode $vm.Node).RunningVms -contains $vm.Uuid } | Out-Null
                (Get-PvcVm).Name | Should -Not -Contain 'web2'
            }
        }

        'Rename-PvcVm 3' = @{ Marked = $cephReason + '; Rename-PvcVm renames the VM''s RBD volumes named after it in Ceph, as tests/Pvc.PowerShell.Tests/Storage/VmRenameCmdletTests does against the Ceph lab' }
        'Rename-PvcVm 4' = @{
            Setup = { param($ctx)
                Stop-PvcVm web1 -Wait | Out-Null
                $ctx.Data.Uuid = (Get-PvcVm web1).Uuid
                $ctx.Data.Disks = (Get-PvcVm web1).Disks.Source
            }
            Assert = { param($r, $ctx)
                $r.Errors | Should -BeNullOrEmpty
                $vm = Get-PvcVm web5
                $vm.Uuid | Should -Be $ctx.Data.Uuid
                $vm.Disks.Source | Should -Be $ctx.Data.Disks
                (Get-PvcVm).Name | Should -Not -Contain 'web1'
            }
        }

        # ---------------------------------------------------------------- Restart-PvcVm
        # A restart shows in the VM's state znode: the cmdlet writes restart, the node writes start once it has
        # stopped and started the VM again, so the state's version grows by two.
        'Restart-PvcVm 1' = @{
            Setup = { param($ctx) $ctx.Data.Version = Get-VmStateVersion web1 }
            Assert = { param($r, $ctx)
                $r.Output.Name | Should -Be 'web1'
                $r.Output.State | Should -Be 'Start'
                Get-VmStateVersion web1 | Should -BeGreaterOrEqual ($ctx.Data.Version + 2)
            }
        }
        'Restart-PvcVm 2' = @{
            Setup = { param($ctx)
                Add-PvcVmTag web1 web
                Add-PvcVmTag web2 web
                Add-PvcVmTag spare web   # stopped: not selected
                $ctx.Data.Versions = @{ web1 = Get-VmStateVersion web1; web2 = Get-VmStateVersion web2; spare = Get-VmStateVersion spare }
            }
            Assert = { param($r, $ctx)
                $r.Output.Name | Should -Be 'web1', 'web2'
                $r.Output.State | Should -Be 'Start', 'Start'
                foreach ($name in 'web1', 'web2') {
                    Get-VmStateVersion $name | Should -BeGreaterOrEqual ($ctx.Data.Versions[$name] + 2) -Because "$name was restarted"
                }
                Get-VmStateVersion spare | Should -Be $ctx.Data.Versions.spare
            }
        }
        'Restart-PvcVm 3' = @{
            Setup = { param($ctx)
                Stop-PvcVm db1 -Wait | Out-Null
                $ctx.Data.Versions = @{ web1 = Get-VmStateVersion web1; web2 = Get-VmStateVersion web2 }
            }
            ExpectErrors = $true
            Assert = { param($r, $ctx, $example)
                $r.Errors | Should -HaveCount 1
                $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'VmNotRunning*'
                (Format-ErrorLine $r.Errors[0]) | Should -Be $example.Sample[0]
                foreach ($name in 'web1', 'web2') {
                    Wait-Until -Because "$name to be restarted" {
                        (Get-VmStateVersion $name) -ge $ctx.Data.Versions[$name] + 2 -and (Get-PvcVm $name).State -eq 'Start'
                    } | Out-Null
                }
                (Get-PvcVm db1).State | Should -Be 'Stop'
            }
        }
        'Restart-PvcVm 4' = @{
            Setup = { param($ctx) $ctx.Data.Version = Get-VmStateVersion web1 }
            Assert = { param($r, $ctx)
                $r.Variable('job') | Should -BeOfType [System.Management.Automation.Job]
                $r.Output.Name | Should -Be 'web1'
                $r.Output.State | Should -Be 'Start'
                Get-VmStateVersion web1 | Should -BeGreaterOrEqual ($ctx.Data.Version + 2)
            }
        }

        # ---------------------------------------------------------------- Resume-PvcNode
        'Resume-PvcNode 1' = @{
            Setup = { param($ctx) Suspend-PvcNode hv1 -Wait | Out-Null; (Get-PvcVm web1).Node | Should -Not -Be 'hv1' }
            Assert = { param($r)
                (Get-PvcNode hv1).DomainState | Should -Be 'Ready'
                # "take its VMs back"
                Wait-Until -Because 'web1 to return to hv1' { $vm = Get-PvcVm web1; $vm.Node -eq 'hv1' -and $vm.State -eq 'Start' } | Out-Null
            }
        }
        'Resume-PvcNode 2' = @{
            Setup = { param($ctx)
                Suspend-PvcNode hv1 -Wait | Out-Null
                Suspend-PvcNode hv3 -Wait | Out-Null
            }
            Assert = { param($r)
                Wait-Until -Because 'hv1 and hv3 to be ready' { @(Get-PvcNode | Where-Object DomainState -NE Ready).Count -eq 0 } | Out-Null
            }
        }
        'Resume-PvcNode 3' = @{
            Setup = { param($ctx) Suspend-PvcNode hv1 -Wait | Out-Null }
            Assert = { param($r)
                $r.Variable('job') | Should -BeOfType [System.Management.Automation.Job]
                $r.Output.Name | Should -Be 'hv1'
                $r.Output.DomainState | Should -Be 'Ready'
            }
        }

        # ---------------------------------------------------------------- Set-PvcCluster
        'Set-PvcCluster 1' = @{
            Assert = { param($r)
                $r.Output.Maintenance | Should -BeTrue
                (Get-PvcCluster).Maintenance | Should -BeTrue
                $r.Text | Should -Match '(?m)^Health\s+: 100% \(maintenance on\)\s*$'
            }
        }
        'Set-PvcCluster 2' = @{
            Assert = { param($r)
                (Get-PvcCluster).Maintenance | Should -BeFalse
                (Get-PvcNode hv2).DomainState | Should -Be 'Ready'
                # hv2 was drained and took its VM back
                $r.Progress | Where-Object Activity -Match 'hv2' | Should -Not -BeNullOrEmpty
                Wait-Until -Because 'web2 to return to hv2' { $vm = Get-PvcVm web2; $vm.Node -eq 'hv2' -and $vm.State -eq 'Start' } | Out-Null
            }
        }
        'Set-PvcCluster 3' = @{
            Assert = { param($r)
                "$($r.Output.AllowedDomainXml)" | Should -Be 'HostDevice'
                "$((Get-PvcCluster).AllowedDomainXml)" | Should -Be 'HostDevice'
                $r.Text | Should -Match '(?m)^AllowedDomainXml\s+: HostDevice\s*$'
            }
        }

        # ---------------------------------------------------------------- Set-PvcNode
        'Set-PvcNode 1' = @{
            Setup = { param($ctx) Set-Primary -Not hv2 }
            Assert = { param($r)
                # returned at once, before its node service acts; then it takes over
                $r.Output.Name | Should -Be 'hv2'
                (Get-PvcCluster).PrimaryNode | Should -Be 'hv2'   # /config/primary_node, as asked
                Wait-Until -Because 'hv2 to be primary' { (Get-PvcNode hv2).CoordinatorState -eq 'Primary' } | Out-Null
                @(Get-PvcNode -CoordinatorState Primary).Name | Should -Be 'hv2'
            }
        }
        'Set-PvcNode 2' = @{
            Setup = { param($ctx) $ctx.Data.Primary = (Get-PvcNode -CoordinatorState Primary).Name }
            Assert = { param($r, $ctx)
                Wait-Until -Because 'another node to be primary' {
                    $primary = @(Get-PvcNode -CoordinatorState Primary)
                    $primary.Count -eq 1 -and $primary[0].Name -ne $ctx.Data.Primary
                } | Out-Null
                (Get-PvcNode $ctx.Data.Primary).CoordinatorState | Should -Be 'Secondary'
            }
        }
        'Set-PvcNode 3' = @{
            Setup = { param($ctx) Set-Primary -Not hv2 }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be 'hv2'
                $r.Output.CoordinatorState | Should -Be 'Primary'
                @(Get-PvcNode -CoordinatorState Primary).Name | Should -Be 'hv2'
                $r.Progress | Should -Not -BeNullOrEmpty
            }
        }
        'Set-PvcNode 4' = @{
            Setup = { param($ctx) Set-Primary hv1 }
            Assert = { param($r)
                $r.Variable('job') | Should -BeOfType [System.Management.Automation.Job]
                $r.Output.Name | Should -Be 'hv1'
                $r.Output.CoordinatorState | Should -Be 'Secondary'
                @(Get-PvcNode -CoordinatorState Primary).Name | Should -BeIn 'hv2', 'hv3'
            }
        }

        # ---------------------------------------------------------------- Set-PvcVm
        'Set-PvcVm 1' = @{
            Assert = { param($r)
                $vm = Get-PvcVm web2
                $vm.NodeLimit | Should -Be 'hv1', 'hv2'
                $vm.NodeSelector | Should -Be 'Vcpus'
                $vm.Autostart | Should -BeTrue
                $r.Output.Name | Should -Be 'web2'
                $r.Output.NodeSelector | Should -Be 'Vcpus'
            }
        }
        'Set-PvcVm 2' = @{
            Setup = { param($ctx) Set-PvcVm web2 -NodeLimit hv2, hv3 }
            Assert = { param($r)
                (Get-PvcVm web2).NodeLimit | Should -BeNullOrEmpty
            }
        }
        'Set-PvcVm 3' = @{
            Setup = { param($ctx) $ctx.Data.Version = Get-VmStateVersion db1 }
            Assert = { param($r, $ctx)
                (Get-PvcVm db1).MemoryMiB | Should -Be 16384
                # "its node restarts it"
                Wait-Until -Because 'db1 to be restarted' { (Get-VmStateVersion db1) -ge $ctx.Data.Version + 2 -and (Get-PvcVm db1).State -eq 'Start' } | Out-Null
            }
        }
        'Set-PvcVm 4' = @{
            Setup = { param($ctx)
                Add-PvcVmTag web1 latency-sensitive
                Add-PvcVmTag db1 latency-sensitive
            }
            Assert = { param($r)
                foreach ($vm in Get-PvcVm web1, db1) {
                    $vm.MigrationMethod | Should -Be 'Live'
                    $vm.MigrationMaxDowntime | Should -Be 100
                }
                (Get-PvcVm web2).MigrationMethod | Should -Be $script:Baseline.Vm['web2'].MigrationMethod
            }
        }

        'Set-PvcVm 5' = @{
            Setup = { param($ctx)
                Save-Znode $ctx "/domains/$((Get-PvcVm db1).Uuid)/xml"
                $ctx.Data.Version = Get-VmStateVersion db1
            }
            Assert = { param($r, $ctx)
                $vm = Get-PvcVm db1
                $vm.Vcpus | Should -Be 4
                "$($vm.Topology)" | Should -Be '2,2,1'
                $vm.MemoryMiB | Should -Be 8192
                # "keeps running with its old size until it is restarted"
                Get-VmStateVersion db1 | Should -Be $ctx.Data.Version
                # Format-List's text shows the new size
                ($r.Output | Out-String) | Should -Match 'Vcpus\s*:\s*4'
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }
        'Set-PvcVm 7' = @{
            Assert = { param($r)
                $uuid = (Get-PvcVm db1).Uuid
                Get-Znode "/placement/drain/$uuid" | Should -Be 'restart'
                $node = (Get-PvcVm db1).Node
                $r.HostText | Should -Match ('What if: Performing the operation "Flush node \(.*db1 -> hv\d \(restart: shut down, started there\).*\)" on target "' + $node + '"')
                (Get-PvcNode $node).DomainState | Should -Be 'Ready'
            }
            Cleanup = { param($ctx) Set-PvcVm db1 -DrainStrategy Live }
        }
        'Set-PvcVm 6' = @{
            Setup = { param($ctx)
                Save-Znode $ctx "/domains/$((Get-PvcVm web1).Uuid)/xml"
                $ctx.Data.Version = Get-VmStateVersion web1
            }
            Assert = { param($r, $ctx)
                $vm = Get-PvcVm web1
                ($vm.Vcpus, $vm.MemoryMiB) | Should -Be 2, 2048
                # "has its node restart it"
                Wait-Until -Because 'web1 to be restarted' { (Get-VmStateVersion web1) -ge $ctx.Data.Version + 2 -and (Get-PvcVm web1).State -eq 'Start' } | Out-Null
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }

        # ---------------------------------------------------------------- Remove-PvcVmVolume
        'Remove-PvcVmVolume 1' = @{
            Setup = { param($ctx)
                $uuid = (Get-PvcVm spare).Uuid
                Save-Znode $ctx "/domains/$uuid/xml"
                Save-Znode $ctx "/domains/$uuid/rbdlist"
            }
            Assert = { param($r)
                (Get-PvcVm spare).Disks | Should -BeNullOrEmpty
                $r.Output.Name | Should -Be 'spare'
                $r.Output.Disks | Should -BeNullOrEmpty
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }

        'Remove-PvcVmVolume 2' = @{
            Setup = { param($ctx)
                $uuid = (Get-PvcVm web1).Uuid
                Save-Znode $ctx "/domains/$uuid/xml"
                Save-Znode $ctx "/domains/$uuid/rbdlist"
            }
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                (Get-PvcVm web1).Disks.Source | Should -Not -Contain 'vms/web1_sda'
                (Get-PvcVm web1).State | Should -Be 'Start'
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }

        # ---------------------------------------------------------------- Export-PvcVmXml
        'Export-PvcVmXml 1' = @{
            Assert = { param($r)
                $r.Output | Should -Be (Get-PvcVm web1).Xml
            }
        }
        'Export-PvcVmXml 2' = @{
            Assert = { param($r)
                $dir = Join-Path ([IO.Path]::GetTempPath()) "pvc-xml-$PID"
                foreach ($vm in Get-PvcVm -Node hv1) {
                    Get-Content -Raw (Join-Path $dir "$($vm.Name).xml") | Should -Be $vm.Xml
                }
            }
            Cleanup = { param($ctx) Remove-Item -Recurse -Force (Join-Path ([IO.Path]::GetTempPath()) "pvc-xml-$PID") -ErrorAction SilentlyContinue }
        }
        'Export-PvcVmXml 3' = @{
            Setup = { param($ctx) Save-Znode $ctx "/domains/$((Get-PvcVm db1).Uuid)/xml" }
            Assert = { param($r)
                (Get-PvcVm db1).Description | Should -Be 'database, primary'
            }
            Cleanup = { param($ctx) Restore-Znode $ctx }
        }

        # ---------------------------------------------------------------- Show-PvcCluster
        'Show-PvcCluster 1' = @{
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                $r.Output | Should -BeNullOrEmpty
                # the example host takes no escapes: the plain ASCII picture, every node and VM in it
                $r.HostText | Should -Not -Match "\e\["
                $r.HostText | Should -Match '(?m)^Cluster \S+ \| health \d+%'
                foreach ($node in Get-PvcNode) {
                    $r.HostText | Should -Match "(?m)^\+-$($node.Name) \| $($node.DaemonState)/$($node.DomainState)"
                    $r.HostText | Should -Match "allocated $($node.MemoryAllocatedMiB) MiB of $($node.MemoryTotalMiB) MiB"
                }
                foreach ($vm in Get-PvcVm) { $r.HostText | Should -Match "\b$([regex]::Escape($vm.Name)) \($($vm.State)\)" }
            }
        }
        'Show-PvcCluster 2' = @{
            Assert = { param($r)
                $r.Errors | Should -BeNullOrEmpty
                @($r.Output.Name) | Should -Be 'hv1', 'hv2', 'hv3'
                $r.HostText.Split("`n") | Where-Object { $_.TrimEnd().Length -gt 80 } | Should -BeNullOrEmpty
                $r.Text | Should -Match '(?m)^Name\s+VMs'
            }
        }

        # ---------------------------------------------------------------- Start-PvcVm
        'Start-PvcVm 1' = @{
            Setup = { param($ctx) Stop-PvcVm web1 -Wait | Out-Null }
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be 'web1'
                $r.Output.State | Should -Be 'Start'
                $r.Output.Node | Should -Be 'hv1'
                Wait-Until -Because 'hv1 to report web1 running' { (Get-PvcNode hv1).RunningVms -contains $r.Output.Uuid } | Out-Null
                $r.Progress | Should -Not -BeNullOrEmpty
            }
        }
        'Start-PvcVm 2' = @{
            # a VM that fails for good: libvirt refuses its XML
            Setup = { param($ctx)
                New-TestVm bad1 -Node hv2 -Failing -Start | Out-Null
                $ctx.Data.Version = Get-VmStateVersion bad1
            }
            Assert = { param($r, $ctx)
                $r.Output | Should -BeNullOrEmpty
                # started again (start, then fail: two writes), and back in fail with its reason
                Wait-Until -Because 'bad1 to fail again' { (Get-VmStateVersion bad1) -ge $ctx.Data.Version + 2 -and (Get-PvcVm bad1).State -eq 'Fail' } | Out-Null
                (Get-PvcVm bad1).FailedReason | Should -Match 'clock'
            }
        }
        'Start-PvcVm 3' = @{
            Setup = { param($ctx)
                Add-PvcVmTag spare batch
                Add-PvcVmTag web1 batch   # already running: not selected
            }
            Assert = { param($r)
                $r.Output.Name | Should -Be 'spare'
                (Get-PvcVm spare).State | Should -Be 'Start'
            }
        }
        'Start-PvcVm 4' = @{
            Setup = { param($ctx) New-TestVm test1 -Node hv3 }
            Assert = { param($r)
                $r.Variable('jobs') | Should -HaveCount 2
                $r.Output.Name | Sort-Object | Should -Be 'spare', 'test1'
                $r.Output.State | Should -Be 'Start', 'Start'
                (Get-PvcVm -State Stop) | Should -BeNullOrEmpty
            }
        }

        # ---------------------------------------------------------------- Stop-PvcVm
        'Stop-PvcVm 1' = @{
            Assert = { param($r)
                $r.Output.Name | Should -Be 'db1'
                $r.Output.State | Should -Be 'Stop'
                (Get-PvcVm db1).State | Should -Be 'Stop'
                Wait-Until -Because 'hv3 to report db1 off' { (Get-PvcNode hv3).RunningVms -notcontains $r.Output.Uuid } | Out-Null
            }
        }
        'Stop-PvcVm 2' = @{
            Setup = { param($ctx) New-TestVm test1 -Node hv3 -Start }
            Assert = { param($r)
                $r.Output.Name | Should -Be 'db1', 'test1'
                $r.Output.State | Should -Be 'Stop', 'Stop'
                Get-PvcVm -Node hv3 -State Start | Should -BeNullOrEmpty
            }
        }
        'Stop-PvcVm 3' = @{
            Assert = { param($r)
                $vm = Get-PvcVm web2
                $vm.State | Should -Be 'Stop'
                Wait-Until -Because 'hv2 to report web2 gone' { (Get-PvcNode hv2).RunningVms -notcontains $vm.Uuid } | Out-Null
            }
        }
        'Stop-PvcVm 4' = @{
            Setup = { param($ctx) New-TestVm test1 -Node hv2 -Start }
            Assert = { param($r)
                $r.Variable('jobs') | Should -HaveCount 2
                $r.Output.Name | Sort-Object | Should -Be 'test1', 'web2'
                $r.Output.State | Should -Be 'Stop', 'Stop'
                Get-PvcVm -Node hv2 -State Start | Should -BeNullOrEmpty
            }
        }

        # ---------------------------------------------------------------- Suspend-PvcNode
        'Suspend-PvcNode 1' = @{
            Assert = { param($r, $ctx, $example)
                Assert-SampleShape $r $example
                $r.Output.Name | Should -Be 'hv1'
                $r.Output.DomainState | Should -Be 'Flushed'
                Get-PvcVm -Node hv1 -State Start | Should -BeNullOrEmpty
                (Get-PvcVm web1).State | Should -Be 'Start'
                $r.Progress | Should -Not -BeNullOrEmpty
            }
        }
        'Suspend-PvcNode 2' = @{
            # two running VMs on hv1
            Setup = { param($ctx) Start-PvcVm spare -Wait | Out-Null; Wait-NodeStats }
            Assert = { param($r)
                $r.HostText | Should -Match '^What if: Performing the operation "Flush node \((\w+ -> hv\d \(live\))(; \w+ -> hv\d \(live\))*\)" on target "hv1"\.\s*$'
                (Get-PvcNode hv1).DomainState | Should -Be 'Ready'
                $plan = @{}
                foreach ($m in [regex]::Matches($r.HostText, '(\w+) -> (hv\d)')) { $plan[$m.Groups[1].Value] = $m.Groups[2].Value }
                @($plan.Keys | Sort-Object) | Should -Be 'spare', 'web1'
                # the flush sends them where it said
                Suspend-PvcNode hv1 -Wait | Out-Null
                foreach ($name in $plan.Keys) { (Get-PvcVm $name).Node | Should -Be $plan[$name] -Because "the WhatIf sent $name there" }
            }
        }
        'Suspend-PvcNode 3' = @{
            Assert = { param($r)
                (Get-PvcNode).DomainState | Should -Be 'Ready', 'Ready', 'Ready'
                # each node drained (Suspend-PvcNode -Wait returns it flushed), then ready again, one after the other
                $r.Output.Name | Should -Be 'hv1', 'hv1', 'hv2', 'hv2', 'hv3', 'hv3'
                $r.Output.DomainState | Should -Be 'Flushed', 'Ready', 'Flushed', 'Ready', 'Flushed', 'Ready'
                Wait-Until -Because 'every VM to be back on its node' {
                    @(Get-PvcVm | Where-Object { $_.Node -ne $script:Baseline.Vm[$_.Name].Node -or $_.State -ne $script:Baseline.Vm[$_.Name].State }).Count -eq 0
                } | Out-Null
            }
        }
    }

    $cases = foreach ($example in $examples) {
        $entry = $ExampleTable[$example.Id]
        @{ Example = $example; Entry = $entry; Substituted = $false }
        if ($entry.Marked -and $entry.Substitute) { @{ Example = $example; Entry = $entry; Substituted = $true } }
    }
    $marked = @($cases | Where-Object { $_.Entry.Marked -and -not $_.Substituted } | ForEach-Object { @{ Id = $_.Example.Id; Reason = $_.Entry.Marked; Substituted = [bool]$_.Entry.Substitute } })
    $staleEntries = @($ExampleTable.Keys | Where-Object { $_ -notin $examples.Id } | Sort-Object)
}

Describe 'docs/cmdlets examples' -ForEach @(@{ Marked = $marked; StaleEntries = $staleEntries; ExampleCount = $examples.Count }) {
    BeforeAll {
        $script:Server = if ($env:PVC_SANDBOX_SERVER) { $env:PVC_SANDBOX_SERVER } else {
            # the session's default connection, as the sandbox made it
            $defaultType = [Pvc.PowerShell.Cmdlets.GetPvcVmCommand].Assembly.GetType('Pvc.PowerShell.Infrastructure.DefaultCluster')
            $connection = $defaultType.GetMethod('Get', [System.Reflection.BindingFlags]'Static, Public, NonPublic').Invoke($null, @())
            if (-not $connection) { throw 'No sandbox: run this file in ./build.sh sandbox (PVC_SANDBOX_SERVER is not set and the session has no default connection).' }
            $connection.Servers
        }
        $script:Zk = Connect-PvcCluster -Server $script:Server -NoDefault
        # a plain ZooKeeper client of the test's own for what only a node service writes: a connection object shows none
        $script:ZkRaw = [Pvc.ZooKeeper.ZooKeeperClient]::ConnectAsync($script:Server, $null, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $script:Manifest = Join-Path (Get-Module Pvc).ModuleBase 'Pvc.psd1'

        if (-not ('PvcExamples.ExampleHost' -as [type])) {
            Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace PvcExamples
{
    /// <summary>The host an example runs on: records what it shows, answers only the prompts planned for.</summary>
    public sealed class ExampleHost : PSHost
    {
        private readonly ExampleHostUI _ui = new ExampleHostUI();
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override string Name => "PvcExampleHost";
        public override PSHostUserInterface UI => _ui;
        public ExampleHostUI Recorded => _ui;
        public override Version Version => new Version(1, 0);
        public override void EnterNestedPrompt() => throw new NotSupportedException("The example host has no nested prompt.");
        public override void ExitNestedPrompt() => throw new NotSupportedException("The example host has no nested prompt.");
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    public sealed class ExampleHostUI : PSHostUserInterface
    {
        private readonly StringBuilder _text = new StringBuilder();
        private readonly ExampleRawUI _raw = new ExampleRawUI();
        public override PSHostRawUserInterface RawUI => _raw;
        public string Text { get { lock (_text) return _text.ToString(); } }
        /// <summary>Answers to confirmation prompts, by choice label ("Yes", "No"), in order. A prompt with none fails.</summary>
        public Queue<string> Answers { get; } = new Queue<string>();
        /// <summary>Each prompt: its caption, a line feed, its message.</summary>
        public List<string> Prompts { get; } = new List<string>();
        private void Append(string s) { lock (_text) _text.Append(s); }
        public override void Write(string value) => Append(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);
        public override void WriteLine(string value) => Append(value + "\n");
        public override void WriteErrorLine(string value) => Append(value + "\n");
        public override void WriteDebugLine(string message) => Append("DEBUG: " + message + "\n");
        public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");
        public override void WriteWarningLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            string answer;
            lock (Prompts)
            {
                Prompts.Add(caption + "\n" + message);
                if (Answers.Count == 0)
                    throw new PSInvalidOperationException("The example prompted, and its table entry plans no answer: " + caption + ": " + message);
                answer = Answers.Dequeue();
            }
            for (var i = 0; i < choices.Count; i++)
                if (string.Equals(choices[i].Label.Replace("&", ""), answer, StringComparison.OrdinalIgnoreCase))
                    return i;
            throw new PSInvalidOperationException("The prompt has no choice '" + answer + "'.");
        }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new PSInvalidOperationException("The example prompted: " + caption + ": " + message);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new PSInvalidOperationException("The example asked for a credential: " + caption + ": " + message);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PSInvalidOperationException("The example asked for a credential: " + caption + ": " + message);
        public override string ReadLine() => throw new PSInvalidOperationException("The example read from the host (Read-Host).");
        public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("The example read from the host (Read-Host).");
    }

    public sealed class ExampleRawUI : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Size BufferSize { get; set; } = new Size(200, 9999);
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => new Size(200, 9999);
        public override Size MaxWindowSize => new Size(200, 9999);
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get; set; } = new Size(200, 50);
        public override string WindowTitle { get; set; } = "Pvc examples";
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("The example read a key.");
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
'@
        }

        # --- waiting ------------------------------------------------------------------------------------------
        function Wait-Until {
            # a read loop with a deadline: returns the condition's first true value, throws when the time is up
            # (-Explain: what to say about the state when the time is up)
            param([Parameter(Mandatory, Position = 0)][scriptblock]$Condition, [double]$Timeout = 30, [string]$Because = 'the condition', [scriptblock]$Explain)
            $deadline = [DateTime]::UtcNow.AddSeconds($Timeout)
            while ($true) {
                $value = & $Condition
                if ($value) { return $value }
                if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Timeout s waiting for $Because.$(if ($Explain) { ' ' + (& $Explain) })" }
                Start-Sleep -Milliseconds 100
            }
        }

        # --- raw znodes, for what only a node service writes (faults, logs) ---------------------------------------
        function Invoke-Zk([scriptblock]$Call) {
            try { (& $Call).GetAwaiter().GetResult() }
            catch [System.Management.Automation.MethodInvocationException] {
                if ($_.Exception.InnerException -is [Pvc.ZooKeeper.NoNodeException]) { return $null }
                throw
            }
        }
        function Get-Znode([string]$Path) {
            $result = Invoke-Zk { $script:ZkRaw.GetDataAsync($Path, $null, [Threading.CancellationToken]::None) }
            if ($null -ne $result) { [Text.Encoding]::UTF8.GetString($result.Data) }
        }
        function Set-Znode([string]$Path, [string]$Text) {
            $bytes = [Text.Encoding]::UTF8.GetBytes($Text)
            $parts = $Path.Trim('/').Split('/')
            for ($i = 1; $i -lt $parts.Count; $i++) {
                $parent = '/' + ($parts[0..($i - 1)] -join '/')
                if ($null -eq (Invoke-Zk { $script:ZkRaw.ExistsAsync($parent, $null, [Threading.CancellationToken]::None) })) {
                    Invoke-Zk { $script:ZkRaw.CreateAsync($parent, [byte[]]@(), [Pvc.ZooKeeper.CreateMode]::Persistent, $null, [Threading.CancellationToken]::None) } | Out-Null
                }
            }
            if ($null -eq (Invoke-Zk { $script:ZkRaw.ExistsAsync($Path, $null, [Threading.CancellationToken]::None) })) {
                Invoke-Zk { $script:ZkRaw.CreateAsync($Path, $bytes, [Pvc.ZooKeeper.CreateMode]::Persistent, $null, [Threading.CancellationToken]::None) } | Out-Null
            }
            else {
                Invoke-Zk { $script:ZkRaw.SetDataAsync($Path, $bytes, -1, [Threading.CancellationToken]::None) } | Out-Null
            }
        }
        function Save-Znode($ctx, [string]$Path) {
            # remembers a znode's text (null: absent) for Restore-Znode
            if (-not $ctx.Data.Saved) { $ctx.Data.Saved = [ordered]@{} }
            $ctx.Data.Saved[$Path] = Get-Znode $Path
        }
        function Restore-Znode($ctx) {
            foreach ($path in @($ctx.Data.Saved.Keys)) {
                $text = $ctx.Data.Saved[$path]
                if ($null -ne $text) { Set-Znode $path $text }
                else { Invoke-Zk { $script:ZkRaw.DeleteAsync($path, -1, [Threading.CancellationToken]::None) } | Out-Null }
            }
        }
        function Remove-ZnodeTree([string]$Path) {
            $children = Invoke-Zk { $script:ZkRaw.GetChildrenAsync($Path, $null, [Threading.CancellationToken]::None) }
            if ($null -eq $children) { return }
            foreach ($child in $children.Children) { Remove-ZnodeTree "$($Path.TrimEnd('/'))/$child" }
            Invoke-Zk { $script:ZkRaw.DeleteAsync($Path, -1, [Threading.CancellationToken]::None) } | Out-Null
        }
        function New-ExampleChroot($ctx, [string]$ClusterName) {
            # a chroot of the sandbox's ZooKeeper, empty or with a cluster of its own; returns its server string
            $ctx.Data.Chroot = "/pvc-example-$([guid]::NewGuid().ToString('n'))"
            Set-Znode $ctx.Data.Chroot ''
            $server = "$script:Server$($ctx.Data.Chroot)"
            if ($ClusterName) {
                $connection = Connect-PvcCluster -Server $server -NoDefault
                try { Initialize-PvcCluster $ClusterName -Cluster $connection -Open -Confirm:$false -ErrorAction Stop | Out-Null }
                finally { Disconnect-PvcCluster -Cluster $connection }
            }
            $server
        }
        function New-ExampleCredential([string]$User, [string]$Password) {
            [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
        }
        function Grant-ExampleAccess([string]$User, [string]$Password) {
            # this file's own session (raw znodes, clean-up) authenticates as a closed example cluster's user too
            Invoke-Zk { $script:ZkRaw.AddDigestAuthAsync($User, $Password, [Threading.CancellationToken]::None) } | Out-Null
        }
        function New-ClosedExampleChroot($ctx, [string]$ClusterName, [string]$User, [string]$Password) {
            # a chroot with a closed cluster whose one user is $User; returns its server string
            $server = New-ExampleChroot $ctx
            Grant-ExampleAccess $User $Password
            $connection = Connect-PvcCluster -Server $server -Credential (New-ExampleCredential $User $Password) -NoDefault
            try { Initialize-PvcCluster $ClusterName -Cluster $connection -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop | Out-Null }
            finally { Disconnect-PvcCluster -Cluster $connection }
            $server
        }
        function Remove-ExampleChroot($ctx) {
            if ($ctx.Data.Chroot) { Remove-ZnodeTree $ctx.Data.Chroot }
        }
        function Get-VmStateVersion([string]$Name) {
            $uuid = (Get-PvcVm $Name -ErrorAction Stop).Uuid
            (Invoke-Zk { $script:ZkRaw.ExistsAsync("/domains/$uuid/state", $null, [Threading.CancellationToken]::None) }).Version
        }
        function New-LogLine([string]$Message) {
            # a line of /logs/<node>/messages as PVC's ZookeeperLogger writes it
            '{0,-12}: >>> {1:yyyy/MM/dd HH:mm:ss} {2}' -f 'pvcnoded', [DateTime]::UtcNow, $Message
        }
        function Add-TestFault {
            # a fault exactly as PVC writes /faults/<id> (no Pvc code raises faults on demand)
            param([Parameter(Mandatory, Position = 0)][string]$Id, [int]$Delta, [string]$Message, [ValidateSet('New', 'Ack')][string]$Status = 'New', [string]$Reported)
            $now = [DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm:ss')
            $time = if ($Reported) { $Reported } else { $now }
            $keys = [ordered]@{
                '' = ''; first_time = $time; last_time = $time; ack_time = $(if ($Status -eq 'Ack') { $time } else { '' })
                status = $Status.ToLowerInvariant(); delta = "$Delta"; message = $Message
            }
            $ops = [System.Collections.Generic.List[Pvc.ZooKeeper.Op]]::new()
            foreach ($key in $keys.Keys) {
                $path = if ($key) { "/faults/$Id/$key" } else { "/faults/$Id" }
                $ops.Add([Pvc.ZooKeeper.Op]::Create($path, [byte[]][Text.Encoding]::UTF8.GetBytes($keys[$key]), [Pvc.ZooKeeper.CreateMode]::Persistent, $null))
            }
            Invoke-Zk { $script:ZkRaw.MultiAsync($ops, [Threading.CancellationToken]::None) } | Out-Null
        }

        # --- networks of the examples' own ---------------------------------------------------------------------------
        function New-ExampleNetwork([int]$Vni = 100, [string]$Description = 'clients') {
            # a managed network with DHCP, as New-PvcNetwork example 1 makes it (10.<vni>.0.0/24)
            $net = "10.$($Vni % 256).0"
            New-PvcNetwork $Vni $Description -Ip4Network "$net.0/24" -Ip4Gateway "$net.1" -Dhcp -DhcpStart "$net.100" -DhcpEnd "$net.199" -ErrorAction Stop | Out-Null
        }
        function Add-ExampleLease([int]$Vni, [string]$Mac, [string]$Address, [string]$Hostname) {
            # a lease exactly as the primary's lease hook (PVC's dnsmasq script) writes it: no DHCP server runs here
            $expiry = [DateTimeOffset]::UtcNow.AddHours(48).ToUnixTimeSeconds()
            $keys = [ordered]@{ '' = ''; expiry = "$expiry"; ipaddr = $Address; hostname = $Hostname; clientid = '*' }
            $ops = [System.Collections.Generic.List[Pvc.ZooKeeper.Op]]::new()
            foreach ($key in $keys.Keys) {
                $path = "/networks/$Vni/dhcp4_leases/$Mac$(if ($key) { "/$key" })"
                $ops.Add([Pvc.ZooKeeper.Op]::Create($path, [byte[]][Text.Encoding]::UTF8.GetBytes($keys[$key]), [Pvc.ZooKeeper.CreateMode]::Persistent, $null))
            }
            Invoke-Zk { $script:ZkRaw.MultiAsync($ops, [Threading.CancellationToken]::None) } | Out-Null
        }

        function Add-ExampleSriov {
            # hv1's SR-IOV devices exactly as PVC's node daemon records them (this machine has no SR-IOV hardware): PF
            # ens1f0 with two VFs, ens1f0v0 used by web1
            $web1 = (Get-PvcVm web1 -ErrorAction Stop).Uuid
            Set-Znode /nodes/hv1/sriov/pf/ens1f0 ''
            Set-Znode /nodes/hv1/sriov/pf/ens1f0/mtu '9000'
            Set-Znode /nodes/hv1/sriov/pf/ens1f0/vfcount '2'
            foreach ($n in 0, 1) {
                $used = $n -eq 0
                $vf = "/nodes/hv1/sriov/vf/ens1f0v$n"
                $keys = [ordered]@{
                    '' = ''; pf = 'ens1f0'; mtu = '9000'; mac = $(if ($used) { '52:54:00:12:34:56' } else { "9a:00:00:00:00:0$n" })
                    phy_mac = "9a:00:00:00:00:0$n"; config = ''; 'config/vlan_id' = $(if ($used) { '120' } else { '0' }); 'config/vlan_qos' = '0'
                    'config/tx_rate_min' = '0'; 'config/tx_rate_max' = $(if ($used) { '1000' } else { '0' }); 'config/spoof_check' = 'True'
                    'config/link_state' = $(if ($used) { 'enable' } else { 'auto' }); 'config/trust' = $(if ($used) { 'True' } else { 'False' })
                    'config/query_rss' = 'False'; pci = ''; 'pci/domain' = '0000'; 'pci/bus' = '01'; 'pci/slot' = '10'; 'pci/function' = "$n"
                    used = $(if ($used) { 'True' } else { 'False' }); used_by = $(if ($used) { "$web1" } else { '' })
                }
                foreach ($key in $keys.Keys) { Set-Znode "$vf$(if ($key) { "/$key" })" $keys[$key] }
            }
        }
        function Remove-ExampleSriov {
            foreach ($path in '/nodes/hv1/sriov/pf/ens1f0', '/nodes/hv1/sriov/vf/ens1f0v0', '/nodes/hv1/sriov/vf/ens1f0v1') { Remove-ZnodeTree $path }
        }

        # --- VMs of the examples' own -----------------------------------------------------------------------------
        function New-TestVmXml {
            # a sandbox VM's XML (web1's), as a user would copy it: another name (throughout, as pvc vm rename does:
            # disk and console log names too), UUID, MACs, memory and vCPUs
            param([Parameter(Mandatory, Position = 0)][string]$Name, [int]$MemoryMiB = 1024, [int]$Vcpus = 1, [switch]$Failing)
            $xml = [xml]$script:Baseline.Vm['web1'].RawXml
            $old = $xml.domain.SelectSingleNode('name').InnerText
            foreach ($node in @($xml.SelectNodes('//@*') + $xml.SelectNodes('//text()'))) {
                if ($node.Value -and $node.Value.Contains($old)) { $node.Value = $node.Value.Replace($old, $Name) }
            }
            $xml.domain.SelectSingleNode('uuid').InnerText = [guid]::NewGuid().ToString()
            $memory = $xml.domain.SelectSingleNode('memory')
            $memory.SetAttribute('unit', 'MiB')
            $memory.InnerText = "$MemoryMiB"
            foreach ($node in @($xml.domain.SelectNodes('currentMemory'))) { $xml.domain.RemoveChild($node) | Out-Null }
            $xml.domain.SelectSingleNode('vcpu').InnerText = "$Vcpus"
            foreach ($topology in @($xml.SelectNodes('/domain/cpu/topology'))) {
                $topology.SetAttribute('sockets', '1'); $topology.SetAttribute('cores', "$Vcpus"); $topology.SetAttribute('threads', '1')
            }
            foreach ($mac in @($xml.SelectNodes('//interface/mac'))) {
                $mac.SetAttribute('address', ('52:54:00:{0:x2}:{1:x2}:{2:x2}' -f (Get-Random -Maximum 256), (Get-Random -Maximum 256), (Get-Random -Maximum 256)))
            }
            if ($Failing) {
                # libvirt refuses to start it: "unsupported configuration: unknown clock offset 'bogus'"
                $clock = $xml.domain.SelectSingleNode('clock')
                if (-not $clock) { $clock = $xml.domain.AppendChild($xml.CreateElement('clock')) }
                $clock.SetAttribute('offset', 'bogus')
            }
            $xml.OuterXml
        }
        function New-TestVm {
            param([Parameter(Mandatory, Position = 0)][string]$Name, [Parameter(Mandatory)][string]$Node, [switch]$Start, [string[]]$Tag, [switch]$Failing)
            $params = @{ Xml = New-TestVmXml $Name -Failing:$Failing; Node = $Node }
            if ($Tag) { $params.Tag = $Tag }
            $vm = New-PvcVm @params -Confirm:$false -ErrorAction Stop
            if ($Start -and $Failing) {
                Start-PvcVm $Name -ErrorAction Stop | Out-Null
                Wait-Until -Because "$Name to fail" { (Get-PvcVm $Name).State -eq 'Fail' } | Out-Null
            }
            elseif ($Start) {
                Start-PvcVm $Name -Wait -ErrorAction Stop | Out-Null
            }
            Get-PvcVm $Name
        }
        function Wait-NodeStats {
            # until every node's keepalive shows the VMs as they are now (provisioned memory, running VMs), so that
            # a node selector reads fresh figures
            Wait-Until -Because 'the nodes to report their VMs' {
                $vms = @(Get-PvcVm)
                @(Get-PvcNode | Where-Object {
                        $node = $_.Name
                        $mine = @($vms | Where-Object Node -EQ $node)
                        $_.MemoryProvisionedMiB -ne ($mine | Measure-Object MemoryMiB -Sum).Sum -or
                        (@($_.RunningVms | Sort-Object) -join ' ') -ne (@($mine | Where-Object State -EQ Start | ForEach-Object Uuid | Sort-Object) -join ' ')
                    }).Count -eq 0
            } | Out-Null
        }
        function Set-Primary {
            # makes $Name primary, or with -Not, any node but $Name
            param([Parameter(Mandatory, Position = 0)][string]$Name, [switch]$Not)
            $primary = (Get-PvcNode -CoordinatorState Primary).Name
            if ($Not -and $primary -eq $Name) {
                $other = (Get-PvcNode | Where-Object Name -NE $Name | Select-Object -First 1).Name
                Set-PvcNode $other -CoordinatorState Primary -Wait -Timeout 60 -ErrorAction Stop | Out-Null
            }
            elseif (-not $Not -and $primary -ne $Name) {
                Set-PvcNode $Name -CoordinatorState Primary -Wait -Timeout 60 -ErrorAction Stop | Out-Null
            }
        }

        # --- comparing with the samples and errors as the console shows them --------------------------------------
        function Format-ErrorLine($record) {
            # the first line of an error in PowerShell's ConciseView: "<command>: <message>"
            "$($record.InvocationInfo.MyCommand.Name): $(if ($record.ErrorDetails.Message) { $record.ErrorDetails.Message } else { $record.Exception.Message })"
        }
        function Assert-SampleShape($r, $example) {
            # the output renders as the sample: a table with the sample's header, or a list with its labels
            $sample = @($example.Sample)
            $sample | Should -Not -BeNullOrEmpty -Because 'the example shows sample output'
            $rendered = @($r.Text -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ })
            if ($sample.Count -ge 2 -and $sample[1] -match '^-+( +-+)*$') {
                $header = ($sample[0] -replace '\s+', ' ').Trim()
                $ruleAt = [array]::FindIndex([string[]]$rendered, [Predicate[string]] { param($l) $l -match '^-+( +-+)*$' })
                $ruleAt | Should -BeGreaterThan 0 -Because "the output renders as a table:`n$($r.Text)"
                ($rendered[$ruleAt - 1] -replace '\s+', ' ').Trim() | Should -Be $header
            }
            else {
                $labels = @($sample | Where-Object { $_ -match '^(\w+)\s+:' } | ForEach-Object { ($_ -split ':')[0].Trim() })
                $labels | Should -Not -BeNullOrEmpty
                $got = @($rendered | Where-Object { $_ -match '^(\w+)\s+:' } | ForEach-Object { ($_ -split ':')[0].Trim() })
                $got | Should -Be $labels
            }
        }

        # --- the sandbox as it was found, and putting it back --------------------------------------------------
        function Format-Xml([string]$Text) {
            try { $doc = [xml]$Text; $doc.OuterXml } catch { $Text }
        }
        function Get-SandboxState {
            $cluster = Get-PvcCluster
            $nodes = @(Get-PvcNode | Sort-Object Name)
            $vms = @(Get-PvcVm | Sort-Object Name | ForEach-Object {
                    [pscustomobject]@{
                        Uuid = "$($_.Uuid)"; Name = $_.Name; Node = $_.Node; LastNode = "$($_.LastNode)"; State = "$($_.State)"
                        Tags = ($_.Tags | Sort-Object Name | ForEach-Object { if ($_.Protected) { "$($_.Name) (protected)" } else { $_.Name } }) -join ', '
                        NodeLimit = ($_.NodeLimit | Sort-Object) -join ', '; NodeSelector = "$($_.NodeSelector)"; Autostart = $_.Autostart
                        MigrationMethod = "$($_.MigrationMethod)"; MigrationMaxDowntime = $_.MigrationMaxDowntime; Xml = Format-Xml $_.Xml; RawXml = $_.Xml
                        TagList = @($_.Tags)
                    }
                })
            $vmByName = @{}
            foreach ($vm in $vms) { $vmByName[$vm.Name] = $vm }
            [pscustomobject]@{
                ClusterName = $cluster.Name
                Maintenance = $cluster.Maintenance
                AllowedDomainXml = $cluster.AllowedDomainXml -join ', '
                Primary = ($nodes | Where-Object CoordinatorState -EQ Primary).Name -join ', '
                Nodes = ($nodes | ForEach-Object { "$($_.Name) $($_.DaemonState),$($_.DomainState)" }) -join '; '
                Faults = (Get-PvcFault | ForEach-Object { "$($_.Id) $($_.Status)" } | Sort-Object) -join ', '
                Networks = (Get-PvcNetwork | ForEach-Object { "$($_.Vni) $($_.Description)" }) -join ', '
                Vms = $vms
                Vm = $vmByName
            }
        }
        function Compare-SandboxState($want, $have) {
            foreach ($key in 'Maintenance', 'AllowedDomainXml', 'Primary', 'Nodes', 'Faults', 'Networks') {
                if ("$($want.$key)" -ne "$($have.$key)") { "$key is '$($have.$key)', was '$($want.$key)'" }
            }
            $haveByUuid = @{}
            foreach ($vm in $have.Vms) { $haveByUuid[$vm.Uuid] = $vm }
            foreach ($vm in $want.Vms) {
                $now = $haveByUuid[$vm.Uuid]
                if (-not $now) { "VM $($vm.Name) is gone"; continue }
                foreach ($key in 'Name', 'Node', 'LastNode', 'State', 'Tags', 'NodeLimit', 'NodeSelector', 'Autostart', 'MigrationMethod', 'MigrationMaxDowntime', 'Xml') {
                    if ("$($vm.$key)" -ne "$($now.$key)") { "VM $($vm.Name): $key is '$($now.$key)', was '$($vm.$key)'" }
                }
            }
            foreach ($vm in $have.Vms) {
                if ($vm.Uuid -notin $want.Vms.Uuid) { "VM $($vm.Name) was added" }
            }
        }
        function Wait-Settled {
            # nothing in flight: no VM between states, no node flushing, no coordinator handing over
            $explain = {
                'VMs: ' + ((Get-PvcVm | ForEach-Object { "$($_.Name) $($_.State) $($_.Node)" }) -join ', ') +
                '; nodes: ' + ((Get-PvcNode | ForEach-Object { "$($_.Name) $($_.DaemonState),$($_.DomainState),$($_.CoordinatorState)" }) -join ', ')
            }
            Wait-Until -Timeout 60 -Because 'the cluster to settle' -Explain $explain {
                @(Get-PvcVm | Where-Object State -In 'Restart', 'Shutdown', 'Migrate', 'MigrateLive', 'Unmigrate').Count -eq 0 -and
                @(Get-PvcNode | Where-Object { $_.DomainState -in 'Flush', 'Unflush', 'FenceFlush' -or $_.CoordinatorState -in 'Takeover', 'Relinquish' }).Count -eq 0 -and
                @(Get-PvcNode -CoordinatorState Primary).Count -eq 1
            } | Out-Null
        }
        function Restore-Sandbox {
            $want = $script:Baseline
            Wait-Settled
            $cluster = Get-PvcCluster
            if ($cluster.Maintenance -ne $want.Maintenance) { Set-PvcCluster -Maintenance $want.Maintenance -Confirm:$false -ErrorAction Stop }
            if (($cluster.AllowedDomainXml -join ', ') -ne $want.AllowedDomainXml) {
                Set-PvcCluster -AllowDomainXml @($want.AllowedDomainXml -split ', ' | Where-Object { $_ }) -Confirm:$false -ErrorAction Stop
            }
            foreach ($node in Get-PvcNode) {
                if ($node.DomainState -ne 'Ready') { Resume-PvcNode $node.Name -Wait -Timeout 60 -Confirm:$false -ErrorAction Stop | Out-Null }
            }
            # networks an example made (the baseline's are kept as they are)
            $networks = @(Get-PvcNetwork | Where-Object { ", $($want.Networks), " -notlike "*, $($_.Vni) $($_.Description), *" })
            foreach ($network in $networks) { Remove-PvcNetwork $network.Vni -Force -Confirm:$false -ErrorAction Stop }
            $faults = @(Get-PvcFault | Where-Object { $want.Faults -notmatch "\b$($_.Id)\b" })
            if ($faults) { Remove-PvcFault -Id $faults.Id -Confirm:$false -ErrorAction Stop }
            $wantByUuid = @{}
            foreach ($vm in $want.Vms) { $wantByUuid[$vm.Uuid] = $vm }
            foreach ($vm in Get-PvcVm) {
                if (-not $wantByUuid.ContainsKey("$($vm.Uuid)")) { Remove-PvcVm $vm.Name -Confirm:$false -ErrorAction Stop }
            }
            foreach ($w in $want.Vms) {
                $vm = Get-PvcVm | Where-Object { "$($_.Uuid)" -eq $w.Uuid }
                if (-not $vm) {
                    New-PvcVm -Xml $w.RawXml -Node $w.Node -Confirm:$false -ErrorAction Stop | Out-Null
                    $vm = Get-PvcVm $w.Name
                }
                if ($vm.Name -ne $w.Name) {
                    if ($vm.State -eq 'Start') { Stop-PvcVm $vm.Name -Force -Wait -ErrorAction Stop | Out-Null }
                    Rename-PvcVm $vm.Name $w.Name -Confirm:$false -ErrorAction Stop
                    $vm = Get-PvcVm $w.Name
                }
                if ((Format-Xml $vm.Xml) -ne $w.Xml) {
                    Set-PvcVm $w.Name -Xml $w.RawXml -Restart:($vm.State -eq 'Start') -Confirm:$false -ErrorAction Stop
                }
                $settings = @{}
                if ((($vm.NodeLimit | Sort-Object) -join ', ') -ne $w.NodeLimit) { $settings.NodeLimit = [string[]]@($w.NodeLimit -split ', ' | Where-Object { $_ }) }
                if ("$($vm.NodeSelector)" -ne $w.NodeSelector) { $settings.NodeSelector = $w.NodeSelector }
                if ($vm.Autostart -ne $w.Autostart) { $settings.Autostart = $w.Autostart }
                if ("$($vm.MigrationMethod)" -ne $w.MigrationMethod) { $settings.MigrationMethod = $w.MigrationMethod }
                if ($vm.MigrationMaxDowntime -ne $w.MigrationMaxDowntime) { $settings.MaxDowntime = $w.MigrationMaxDowntime }
                if ($settings.Count) { Set-PvcVm $w.Name @settings -Confirm:$false -ErrorAction Stop }
                foreach ($tag in $vm.Tags) {
                    $keep = $w.TagList | Where-Object Name -EQ $tag.Name
                    if (-not $keep) {
                        if ($tag.Protected) { Add-PvcVmTag $w.Name $tag.Name -ErrorAction Stop }
                        Remove-PvcVmTag $w.Name $tag.Name -Confirm:$false -ErrorAction Stop
                    }
                }
                foreach ($tag in $w.TagList) {
                    $now = $vm.Tags | Where-Object Name -EQ $tag.Name
                    if (-not $now -or $now.Protected -ne $tag.Protected) { Add-PvcVmTag $w.Name $tag.Name -Protected:$tag.Protected -ErrorAction Stop }
                }
                $vm = Get-PvcVm $w.Name
                if ($vm.Node -ne $w.Node -or "$($vm.LastNode)" -ne $w.LastNode) {
                    if ($vm.LastNode -eq $w.Node) { Move-PvcVm $w.Name -Return -Wait -ErrorAction Stop | Out-Null }
                    else { Move-PvcVm $w.Name -Node $w.Node -Permanent -Wait -Confirm:$false -ErrorAction Stop | Out-Null }
                }
                # a restore step above (or the example's restart) may still be under way on the VM's node: its next write
                # would race the state's restore (VmChangedMeanwhile, seen in a fresh-clone run), so let it settle first
                Wait-Settled
                $state = "$((Get-PvcVm $w.Name).State)"
                if ($state -ne $w.State) {
                    if ($w.State -eq 'Start') { Start-PvcVm $w.Name -Wait -ErrorAction Stop | Out-Null }
                    elseif ($w.State -eq 'Stop' -and $state -eq 'Start') { Stop-PvcVm $w.Name -Force -Wait -ErrorAction Stop | Out-Null }
                }
            }
            if ($want.Primary -and (Get-PvcNode -CoordinatorState Primary).Name -ne $want.Primary) {
                Set-PvcNode $want.Primary -CoordinatorState Primary -Wait -Timeout 60 -ErrorAction Stop | Out-Null
            }
            Wait-Settled
        }

        # --- running an example --------------------------------------------------------------------------------
        function Invoke-Example([string[]]$commands, $entry, $ctx) {
            $exampleHost = [PvcExamples.ExampleHost]::new()
            foreach ($answer in @($entry.Answers)) { if ($answer) { $exampleHost.Recorded.Answers.Enqueue($answer) } }
            $iss = [initialsessionstate]::CreateDefault2()
            $iss.ImportPSModule([string[]]@($script:Manifest))
            $runspace = [runspacefactory]::CreateRunspace($exampleHost, $iss)
            $runspace.Open()
            $ctx.Runspace = $runspace
            $runspace.SessionStateProxy.Path.SetLocation($ctx.Dir) | Out-Null
            foreach ($name in $ctx.Vars.Keys) { $runspace.SessionStateProxy.SetVariable($name, $ctx.Vars[$name]) }
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            if (-not $entry.NoConnect) {
                $null = $ps.AddCommand('Connect-PvcCluster').AddParameter('Server', $script:Server).AddCommand('Out-Null')
                $ps.Invoke()
                if ($ps.HadErrors) { throw "The example's runspace could not connect: $($ps.Streams.Error)" }
                $ps.Commands.Clear()
                $ps.Streams.ClearStreams()
            }

            # each command on its own, as the console runs each prompt (and renders its output with Out-Default)
            $timeout = if ($entry.Timeout) { $entry.Timeout } else { 120 }
            $deadline = [DateTime]::UtcNow.AddSeconds($timeout)
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $items = [System.Collections.Generic.List[object]]::new()
            $texts = [System.Collections.Generic.List[string]]::new()
            $errors = [System.Collections.Generic.List[object]]::new()
            $warnings = [System.Collections.Generic.List[string]]::new()
            $progress = [System.Collections.Generic.List[object]]::new()
            $thrown = $null
            foreach ($command in $commands) {
                $ps = [powershell]::Create()
                $ps.Runspace = $runspace
                $null = $ps.AddScript($command)
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $noInput.Complete()
                $async = $ps.BeginInvoke($noInput, $output)
                # an example that runs until Ctrl+C (-Follow): what happens meanwhile (During), then Ctrl+C (StopAfter s)
                $stopped = $false
                if ($entry.During) { & $entry.During $ctx }
                if ($entry.StopAfter -and -not $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($entry.StopAfter))) {
                    $ps.Stop()
                    $stopped = $true
                }
                $left = [Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
                if (-not $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromMilliseconds($left))) {
                    $ps.Stop()
                    throw "The example did not finish within $timeout s (at: $command). Host text so far:`n$($exampleHost.Recorded.Text)"
                }
                try { $ps.EndInvoke($async) | Out-Null }
                catch [System.Management.Automation.PipelineStoppedException] { if (-not $stopped) { $thrown = $_.Exception } }
                catch { $thrown = if ($_.Exception.InnerException) { $_.Exception.InnerException } else { $_.Exception } }
                $mine = @($output | ForEach-Object { $_ })
                foreach ($item in $mine) { $items.Add($item) }
                if ($mine.Count) { $texts.Add(($mine | Out-String -Width 200)) }
                foreach ($e in $ps.Streams.Error) { $errors.Add($e) }
                foreach ($w in $ps.Streams.Warning) { $warnings.Add($w.Message) }
                foreach ($p in $ps.Streams.Progress) { $progress.Add($p) }
                if ($thrown) { break }
            }
            $watch.Stop()
            [pscustomobject]@{
                Output = $items.ToArray()
                Text = $texts -join ''
                Errors = $errors.ToArray()
                Thrown = $thrown
                Warnings = $warnings.ToArray()
                Progress = $progress.ToArray()
                HostText = $exampleHost.Recorded.Text
                Prompts = @($exampleHost.Recorded.Prompts)
                UnusedAnswers = @($exampleHost.Recorded.Answers)
                ErrorVariable = @($runspace.SessionStateProxy.GetVariable('Error'))
                Duration = $watch.Elapsed
            } | Add-Member -PassThru -MemberType ScriptMethod -Name Variable -Value { param($name) $runspace.SessionStateProxy.GetVariable($name) }.GetNewClosure() |
                Add-Member -PassThru -MemberType ScriptMethod -Name Run -Value {
                    param([string]$script)
                    $more = [powershell]::Create()
                    $more.Runspace = $runspace
                    $null = $more.AddScript($script)
                    $out = $more.Invoke()
                    [pscustomobject]@{ Output = @($out); Errors = @($more.Streams.Error) }
                }.GetNewClosure()
        }

        # the sandbox waits for its nodes to be ready, not for the coordinators to elect a primary
        Wait-Settled
        $script:Baseline = Get-SandboxState
        # the examples assume the sandbox as ./build.sh sandbox starts it (other test files must leave it so)
        $layout = ($script:Baseline.Vms | ForEach-Object { "$($_.Name) $($_.State) $($_.Node)$(if ($_.LastNode) { " from $($_.LastNode)" })" }) -join '; '
        $expected = 'db1 Start hv3; spare Stop hv1; web1 Start hv1; web2 Start hv2'
        if ($layout -ne $expected -or $script:Baseline.Nodes -ne 'hv1 Run,Ready; hv2 Run,Ready; hv3 Run,Ready' -or $script:Baseline.Faults -or $script:Baseline.Maintenance) {
            throw "The sandbox is not as ./build.sh sandbox starts it, which the examples assume. VMs: $layout (expected $expected); nodes: $($script:Baseline.Nodes); faults: '$($script:Baseline.Faults)'; maintenance: $($script:Baseline.Maintenance)."
        }
        $script:Timing = [System.Collections.Generic.List[object]]::new()
    }

    AfterAll {
        if ($script:Zk) { Disconnect-PvcCluster -Cluster $script:Zk }
        if ($script:ZkRaw) { $script:ZkRaw.DisposeAsync().AsTask().GetAwaiter().GetResult() }
        $byReason = $Marked | Group-Object { $_.Reason } | Sort-Object Count -Descending
        $run = $ExampleCount - $Marked.Count
        Write-Host ''
        Write-Host "docs/cmdlets examples: $ExampleCount, run as written: $run, marked: $($Marked.Count) ($(@($Marked | Where-Object { $_.Substituted }).Count) of them also run with the sandbox's ZooKeeper in place of the servers they name)"
        if ($script:Timing.Count) {
            $total = ($script:Timing | Measure-Object Seconds -Sum).Sum
            Write-Host ("  the examples' own code took {0:n1} s; slowest: {1}" -f $total, (($script:Timing | Sort-Object Seconds -Descending | Select-Object -First 5 | ForEach-Object { '{0} {1:n1} s' -f $_.Id, $_.Seconds }) -join ', '))
        }
        foreach ($group in $byReason) {
            Write-Host ("  {0} marked: {1}" -f $group.Count, $group.Name)
            Write-Host ("     {0}" -f (($group.Group | ForEach-Object { $_.Id }) -join ', '))
        }
    }

    It 'every entry of the example table names an example in docs/cmdlets' {
        $StaleEntries | Should -BeNullOrEmpty -Because 'an entry without its example is stale (renamed or removed example?)'
    }

    foreach ($case in $cases) {
        $name = "$($case.Example.Cmdlet) example $($case.Example.Number): $($case.Example.Title)"
        $skip = [bool]$case.Entry.Marked -and -not $case.Substituted
        if ($skip) { $name += " [marked: $($case.Entry.Marked)]" }
        if ($case.Substituted) { $name += " (not as written: the sandbox's ZooKeeper in place of $(($case.Entry.Substitute.Keys | ForEach-Object { $_ -replace "'", '' }) -join '; '))" }
        It $name -Skip:$skip -ForEach @($case) {
            if (-not $Entry) {
                throw "docs/cmdlets/$($Example.Cmdlet).md example $($Example.Number) has no entry '$($Example.Id)' in the example table of tests/Pester/Examples.Tests.ps1: add one (Setup, Assert) or mark it with its reason.`nCode:`n$($Example.Code)`nText: $($Example.Text)"
            }
            if (-not $Entry.Assert) { throw "The entry '$($Example.Id)' has no Assert." }
            if ($script:Broken) { throw "Not run: the sandbox could not be put back after an earlier example ($script:Broken)." }
            $ctx = @{ Dir = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "pvc-example-$([guid]::NewGuid().ToString('n'))")).FullName; Vars = @{}; Data = @{} }
            $script:Current = @{ Ctx = $ctx; Entry = $Entry; Id = $Example.Id }
            $commands = @($Example.Prompts)
            if ($Substituted) {
                foreach ($text in $Entry.Substitute.Keys) {
                    if (-not $Example.Code.Contains($text)) { throw "The example's code no longer contains ""$text"" (its entry's Substitute):`n$($Example.Code)" }
                    $commands = @($commands | ForEach-Object { $_.Replace($text, $Entry.Substitute[$text]) })
                }
                $ctx.Vars.PvcSandboxServer = $script:Server
            }
            $code = $commands -join "`n"
            if ($Entry.Setup) { & $Entry.Setup $ctx | Out-Null }
            $r = Invoke-Example $commands $Entry $ctx
            if (-not $Substituted) { $script:Timing.Add([pscustomobject]@{ Id = $Example.Id; Seconds = $r.Duration.TotalSeconds }) }
            $context = "`n--- code:`n$code`n--- errors:`n$(($r.Errors | ForEach-Object { "$_ ($($_.FullyQualifiedErrorId))" }) -join "`n")`n--- host:`n$($r.HostText)`n--- output:`n$($r.Text)"
            if ($r.Thrown) { throw "The example stopped with an error: $($r.Thrown.Message)$context" }
            if (-not $Entry.ExpectErrors -and $r.Errors.Count) { throw "The example wrote errors.$context" }
            if ($r.UnusedAnswers.Count) { throw "The example did not prompt as its entry planned ($($r.UnusedAnswers.Count) answers left).$context" }
            try { & $Entry.Assert $r $ctx $Example }
            catch { throw "$($_.Exception.Message)$context" }
        }
    }

    AfterEach {
        $current = $script:Current
        $script:Current = $null
        if ($current) {
            $ctx = $current.Ctx
            try {
                if ($current.Entry.Cleanup) { & $current.Entry.Cleanup $ctx }
                if ($ctx.Runspace) {
                    $ps = [powershell]::Create()
                    $ps.Runspace = $ctx.Runspace
                    $null = $ps.AddScript('Get-Job | Remove-Job -Force; Disconnect-PvcCluster -ErrorAction SilentlyContinue
                        Get-Variable | Where-Object { $_.Value -is [Pvc.Core.Connection.ClusterConnection] } | ForEach-Object { Disconnect-PvcCluster -Cluster $_.Value -ErrorAction SilentlyContinue }')
                    $ps.Invoke() | Out-Null
                    $ctx.Runspace.Dispose()
                }
                foreach ($value in $ctx.Vars.Values) {
                    if ($value -is [Pvc.Core.Connection.ClusterConnection]) { Disconnect-PvcCluster -Cluster $value }
                }
                Remove-Item -Recurse -Force -LiteralPath $ctx.Dir -ErrorAction SilentlyContinue
            }
            finally {
                try {
                    Wait-Settled
                    if (@(Compare-SandboxState $script:Baseline (Get-SandboxState)).Count) { Restore-Sandbox }
                    $differences = @(Compare-SandboxState $script:Baseline (Get-SandboxState))
                    if ($differences) { throw "The sandbox is not as the example found it:`n  $($differences -join "`n  ")" }
                }
                catch {
                    # the examples that follow would only fail the same way, each after its own wait
                    $script:Broken = "$($current.Id): $($_.Exception.Message)"
                    throw
                }
            }
        }
    }
}
