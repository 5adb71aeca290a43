#!/usr/bin/env pwsh
# Pvc's entry point for people who have pwsh: the same tasks as build.sh, equally thin
# (build/deps.sh for Debian packages, build/Pvc.Build.proj for the rest).
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('deps', 'build', 'test', 'sandbox', 'bench')]
    [string] $Task = 'build',

    [Parameter(ValueFromRemainingArguments)]
    [string[]] $Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

if ($Task -ne 'build') { Invoke-Native 'bash' @('build/deps.sh') }
if ($Task -eq 'deps') { return }
if ($Task -eq 'sandbox') {
    Invoke-Native 'dotnet' @('msbuild', 'build/Pvc.Build.proj', '-nologo', '-v:m', '-tl:off', '-t:Build')
    & dotnet sandbox/Pvc.Sandbox/bin/Release/net10.0/Pvc.Sandbox.dll @($Rest | Where-Object { $_ -ne '--' })
    exit $LASTEXITCODE
}
$target = (Get-Culture).TextInfo.ToTitleCase($Task)
Invoke-Native 'dotnet' (@('msbuild', 'build/Pvc.Build.proj', '-nologo', '-v:m', '-tl:off', "-t:$target") + $Rest)
