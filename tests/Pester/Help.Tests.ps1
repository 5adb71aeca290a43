# Get-Help as users read it in pwsh: the MAML help the build makes from docs/cmdlets/*.md.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $docs = Join-Path $RepositoryRoot 'docs/cmdlets'
    # the first paragraph under a page's "## SYNOPSIS"
    function Get-DocSynopsis([string] $Command) {
        $page = Get-Content -LiteralPath (Join-Path $docs "$Command.md") -Raw
        ([regex]::Match($page, '(?ms)^## SYNOPSIS\s*\r?\n(.+?)\r?\n\s*\r?\n').Groups[1].Value -replace '\s*\r?\n\s*', ' ').Trim()
    }
    # the help lists -WhatIf and -Confirm (as platyPS does), not the other common parameters
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
}

Describe 'Get-Help' {
    It '-Full shows the synopsis, every syntax, the parameters and the examples' {
        $text = Get-Help Move-PvcVm -Full | Out-String -Width 200
        $text | Should -Match ([regex]::Escape((Get-DocSynopsis Move-PvcVm)))
        foreach ($set in '-Permanent', '-Return') { $text | Should -Match "(?m)^\s+Move-PvcVm \[-Name\] <PvcVmIdentity>.*$set" }
        $text | Should -Match '(?m)^\s+-Node <String>\s*$'
        $text | Should -Match '(?m)^\s+Accept pipeline input\?\s+True \(ByPropertyName, ByValue\)'
        $text | Should -Match '(?m)^EXAMPLES|Example 1:'
        $text | Should -Match '(?m)^OUTPUTS'
    }

    It '-Examples shows every example of the page, each with its code, and no parameters' {
        $help = Get-Help Suspend-PvcNode -Examples
        $page = Get-Content -LiteralPath (Join-Path $docs 'Suspend-PvcNode.md') -Raw
        $help.examples.example | Should -HaveCount ([regex]::Matches($page, '(?m)^### Example \d+').Count)
        foreach ($example in $help.examples.example) { $example.code | Should -Match 'Suspend-PvcNode' }
        $help | Out-String -Width 200 | Should -Not -Match '(?m)^PARAMETERS'
    }

    It '-Parameter describes one parameter: position, pipeline input, wildcards' {
        $name = Get-Help Get-PvcVm -Parameter Name
        $name.position | Should -Be '0'
        $name.required | Should -Be 'false'
        $name.pipelineInput | Should -Be 'True (ByPropertyName, ByValue)'
        $name.globbing | Should -Be 'true'
        ($name.description.Text -join ' ') | Should -Match 'wildcards'
    }

    It '-Parameter shows a parameter''s aliases' {
        (Get-Help Connect-PvcCluster -Parameter Server).aliases | Should -Be 'Hosts, ComputerName'
    }

    It '-Parameter * lists exactly the parameters the cmdlet has' {
        $documented = (Get-Help Set-PvcVm -Parameter *).name | Sort-Object
        $actual = (Get-Command Set-PvcVm).Parameters.Values |
            Where-Object { $_.Name -notin $common -and -not ($_.Attributes | Where-Object { $_ -is [Parameter] -and $_.DontShow }) } |
            ForEach-Object Name | Sort-Object
        $actual | Should -Contain 'Xml'
        $actual | Should -Not -Contain 'Uuid'  # hidden: bound from piped VMs only
        $documented | Should -Be $actual
    }

    It '-? shows the same help' {
        (Get-PvcVm -? | Out-String -Width 200) | Should -Match ([regex]::Escape((Get-DocSynopsis Get-PvcVm)))
    }

    It 'every exported cmdlet has full help: its page''s synopsis, a description and at least one example' {
        $problems = foreach ($command in Get-Command -Module Pvc -CommandType Cmdlet) {
            $help = Get-Help $command.Name -Full
            if ($help.Synopsis -ne (Get-DocSynopsis $command.Name)) { "$($command.Name): synopsis '$($help.Synopsis)'" }
            if (-not $help.description) { "$($command.Name): no description" }
            if (@($help.examples.example).Count -lt 1) { "$($command.Name): no example" }
        }
        $problems | Should -BeNullOrEmpty
        (Get-Command -Module Pvc -CommandType Cmdlet).Count | Should -Be (Get-ChildItem -LiteralPath $docs -Filter '*-Pvc*.md').Count
    }
}
