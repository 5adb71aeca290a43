#!/usr/bin/env pwsh
# Pvc's entry point for people who have pwsh: the same tasks as build.sh, equally thin
# (build/deps.sh for Debian packages, build/Pvc.Build.proj for the rest).
#   ./build.ps1 deps|build|test|sandbox|bench [MSBuild switches such as -p:TestFilter=X] [-- pwsh arguments for sandbox]
# No param block: PowerShell would bind "-p:..." to its own common parameters (-p is ambiguous) and refuse it.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

$tasks = 'deps', 'build', 'test', 'sandbox', 'bench'
$Task = if ($args.Count -gt 0) { [string]$args[0] } else { 'build' }
if ($Task -notin $tasks) {
    [Console]::Error.WriteLine("usage: ./build.ps1 $($tasks -join '|') [-p:Name=Value ...]")
    exit 2
}

# pwsh hands "-p:A=B" on as "-p" + "A=B" (with -File) or "-p:" + "A=B" (from a script): join them again.
$rest = [System.Collections.Generic.List[string]]::new()
for ($i = 1; $i -lt $args.Count; $i++) {
    $token = [string]$args[$i]
    if ($token -match '^-(p|property)(:)?$' -and $i + 1 -lt $args.Count) {
        $rest.Add("-p:$($args[++$i])")
    } else {
        $rest.Add($token)
    }
}

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

if ($Task -ne 'build') { Invoke-Native 'bash' @('build/deps.sh') }
if ($Task -eq 'deps') { return }
if ($Task -eq 'sandbox') {
    Invoke-Native 'dotnet' @('msbuild', 'build/Pvc.Build.proj', '-nologo', '-v:m', '-tl:off', '-t:Build')
    & dotnet sandbox/Pvc.Sandbox/bin/Release/net10.0/Pvc.Sandbox.dll @($rest | Where-Object { $_ -ne '--' })
    exit $LASTEXITCODE
}
$target = (Get-Culture).TextInfo.ToTitleCase($Task)
Invoke-Native 'dotnet' (@('msbuild', 'build/Pvc.Build.proj', '-nologo', '-v:m', '-tl:off', "-t:$target") + $rest)
