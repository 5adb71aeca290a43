# What the suite's test files share; each dot-sources it in its BeforeAll. They run in the sandbox's pwsh: the module is
# imported and the cluster 'sandbox' connected, $env:PVC_SANDBOX_SERVER and $env:PVC_SANDBOX_SERVER2 name the sandbox's
# two clusters, and `Import-Module Pvc` (in child pwsh processes too) loads the build under test.

$RepositoryRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
# the pwsh the sandbox runs (build/deps.sh installs it), for scripts run as their own process
$Pwsh = Join-Path $RepositoryRoot '.tools/pwsh'

# TabExpansion2's matches for a line, with the cursor at its end unless told otherwise.
function Get-Completion {
    param([Parameter(Mandatory)][string] $Line, [int] $CursorColumn = $Line.Length)
    @((TabExpansion2 -inputScript $Line -cursorColumn $CursorColumn).CompletionMatches)
}

# A VM name no other test uses.
function New-TestVmName {
    param([string] $Prefix = 'pst')
    "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
}

# The XML of a new VM, copied from a sandbox VM's definition as a user would: a PVC-style domain with its own name, UUID,
# MAC, console log and RBD disk. With -UnstartableDisk its disk has a bus libvirt refuses: its node sets it to fail.
function New-TestVmXml {
    param([Parameter(Mandatory)][string] $Name, [string] $From = 'web1', [switch] $UnstartableDisk)
    [xml] $xml = (Get-PvcVm -Name $From -ErrorAction Stop).Xml
    $domain = $xml.domain
    $domain.name = $Name
    $domain.uuid = [guid]::NewGuid().ToString()
    $domain.description = "Pester test VM $Name"
    $domain.devices.serial.log.file = "/var/log/libvirt/$Name.log"
    # a volume name takes no spaces (Core refuses such an RBD image): a name that must be quoted gets a plain volume
    $domain.devices.disk.source.name = "vms/$($Name -replace '[^A-Za-z0-9_.-]', '-')_sda"
    $mac = [byte[]]::new(3)
    [Random]::Shared.NextBytes($mac)
    $domain.devices.interface.mac.address = '52:54:00:{0:x2}:{1:x2}:{2:x2}' -f $mac[0], $mac[1], $mac[2]
    if ($UnstartableDisk) {
        $domain.devices.disk.target.bus = 'nonsense'
    }
    $xml.OuterXml
}

# Runs pwsh as a process of its own (a scheduled task's view) with the session's environment; standard input is closed,
# so anything that prompts gets no answer. Returns its exit code, output and error text, and how long it ran.
function Invoke-Pwsh {
    param([Parameter(Mandatory)][string[]] $ArgumentList, [double] $TimeoutSeconds = 120)
    $start = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
    foreach ($argument in $ArgumentList) {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    # plain text, as a scheduler's log gets it
    $start.Environment['NO_COLOR'] = '1'
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $process.StandardInput.Close()
        $output = $process.StandardOutput.ReadToEndAsync()
        $errors = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit([int]($TimeoutSeconds * 1000))) {
            $process.Kill($true)
            throw "pwsh $($ArgumentList -join ' ') did not end within $TimeoutSeconds s."
        }
        $process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = $output.GetAwaiter().GetResult()
            Error    = $errors.GetAwaiter().GetResult()
            Seconds  = $watch.Elapsed.TotalSeconds
        }
    }
    finally {
        $process.Dispose()
    }
}

# Host output (what -WhatIf and Write-Host print) of a script block, captured with a transcript.
function Get-HostOutput {
    param([Parameter(Mandatory)][scriptblock] $ScriptBlock)
    $file = Join-Path ([System.IO.Path]::GetTempPath()) "pvc-pester-$([guid]::NewGuid().ToString('N')).txt"
    Start-Transcript -LiteralPath $file -UseMinimalHeader | Out-Null
    try {
        & $ScriptBlock | Out-Null
    }
    finally {
        Stop-Transcript | Out-Null
    }
    try {
        Get-Content -LiteralPath $file -Raw
    }
    finally {
        Remove-Item -LiteralPath $file
    }
}
