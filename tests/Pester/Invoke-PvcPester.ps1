<#
.SYNOPSIS
    Runs the Pester suite (tests/Pester/*.Tests.ps1) against a live cluster.
.DESCRIPTION
    Meant to run inside the sandbox, which starts the cluster and connects the session:
        dotnet sandbox/Pvc.Sandbox/bin/Release/net10.0/Pvc.Sandbox.dll -File tests/Pester/Invoke-PvcPester.ps1
    Imports Pester 5.7.1 from the NuGet package the build restores (tests/Pvc.Testing downloads it), runs the tests,
    prints Pester's normal output and writes its NUnitXml (NUnit 2.5) results. Exits 1 when a test, a block (a
    BeforeAll) or a whole file failed, or when no test ran; 0 otherwise.
.PARAMETER OutputPath
    The NUnitXml file. Default: <repository>/out/test-results/pester/pester-results.xml.
.PARAMETER Path
    The test files or folders to run. Default: every *.Tests.ps1 in this folder.
#>
[CmdletBinding()]
param(
    [string] $OutputPath = (Join-Path $PSScriptRoot '../../out/test-results/pester/pester-results.xml'),
    [string[]] $Path = @(Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1' -File | ForEach-Object FullName)
)

$ErrorActionPreference = 'Stop'
# plain text: no terminal colour codes in the messages the NUnit report carries (XML cannot hold them)
$PSStyle.OutputRendering = 'PlainText'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path -LiteralPath $pester)) {
    [Console]::Error.WriteLine("Invoke-PvcPester: Pester 5.7.1 is not at $pester; ./build.sh build restores it (tests/Pvc.Testing downloads the package).")
    exit 1
}
Import-Module $pester -Force

$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
New-Item -ItemType Directory -Force -Path (Split-Path -Parent $OutputPath) | Out-Null

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $OutputPath
Remove-Item -LiteralPath $OutputPath -ErrorAction Ignore
$result = Invoke-Pester -Configuration $configuration

if ($null -eq $result -or -not (Test-Path -LiteralPath $OutputPath)) {
    [Console]::Error.WriteLine("Invoke-PvcPester: Pester did not finish (no result, or no report at $OutputPath).")
    exit 1
}
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
if ($failed -gt 0) {
    [Console]::Error.WriteLine("Invoke-PvcPester: $($result.FailedCount) tests, $($result.FailedBlocksCount) blocks and $($result.FailedContainersCount) files failed.")
    exit 1
}
if ($result.PassedCount -eq 0) {
    [Console]::Error.WriteLine("Invoke-PvcPester: no test ran (paths: $($Path -join ', ')).")
    exit 1
}
exit 0
