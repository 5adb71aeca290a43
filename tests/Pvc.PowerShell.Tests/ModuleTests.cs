using System.Management.Automation;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Pvc.Testing;
using Pvc.Testing.PowerShell;

namespace Pvc.PowerShell.Tests;

public sealed class ModuleTests
{
    [Fact]
    public void The_built_module_imports_and_exports_exactly_the_manifests_cmdlets()
    {
        using var ps = PowerShellSession.Open();
        var module = ps.Run("Get-Module Pvc").ThrowIfErrors().Output.Single();
        var info = (PSModuleInfo)module.BaseObject;

        Assert.Equal("Pvc", info.Name);
        Assert.Equal(new Version(7, 6), info.PowerShellVersion);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Equal(Path.GetDirectoryName(PowerShellSession.ModuleManifest), info.ModuleBase);
        Assert.Contains("Connect-PvcCluster", info.ExportedCmdlets.Keys);
        Assert.Contains("Disconnect-PvcCluster", info.ExportedCmdlets.Keys);

        // every cmdlet the assembly defines is exported, and the manifest names no cmdlet the assembly lacks
        var defined = info.ImplementingAssembly.GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().SingleOrDefault())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}")
            .Order();
        Assert.Equal(defined, info.ExportedCmdlets.Keys.Order());
    }

    [Fact]
    public void The_manifest_exports_explicitly_and_the_module_folder_holds_no_engine_copy()
    {
        var manifest = File.ReadAllText(PowerShellSession.ModuleManifest);
        Assert.DoesNotContain("*", manifest.Split('\n').Where(l => l.Contains("ToExport", StringComparison.Ordinal)).Aggregate("", string.Concat), StringComparison.Ordinal);
        var files = Directory.GetFiles(Path.GetDirectoryName(PowerShellSession.ModuleManifest)!).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("System.Management.Automation.dll", files);
        Assert.Contains("Pvc.Format.ps1xml", files);
        // every type a view is defined for exists in the module's assemblies
        var views = XDocument.Load(Path.Combine(RepositoryRoot.Path, "out", "Pvc", "Pvc.Format.ps1xml"))
            .Descendants("TypeName").Select(e => e.Value).Distinct();
        var types = Directory.GetFiles(Path.GetDirectoryName(PowerShellSession.ModuleManifest)!, "*.dll").SelectMany(TypeNames).ToHashSet();
        foreach (var typeName in views)
            Assert.Contains(typeName, types);
    }

    [Fact]
    public void Every_assembly_the_module_references_is_in_its_folder_or_comes_with_pwsh()
    {
        // the module's own package dependencies (Spectre.Console for Show-PvcCluster) must ship in out/Pvc: pwsh brings
        // only the runtime and its engine
        var folder = Path.GetDirectoryName(PowerShellSession.ModuleManifest)!;
        var shipped = Directory.GetFiles(folder, "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Spectre.Console", shipped);
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        foreach (var dll in Directory.GetFiles(folder, "*.dll"))
        {
            using var pe = new PEReader(File.OpenRead(dll));
            var md = pe.GetMetadataReader();
            foreach (var name in md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)))
                Assert.True(shipped.Contains(name) || File.Exists(Path.Combine(runtime, name + ".dll"))
                    || name.StartsWith("System.Management.Automation", StringComparison.Ordinal) || name.StartsWith("Microsoft.PowerShell.", StringComparison.Ordinal),
                    $"{Path.GetFileName(dll)} references {name}, which is neither in {folder} nor part of the runtime or the PowerShell engine");
        }
    }

    [Fact]
    public void The_hosted_engine_has_the_built_in_cmdlets_users_combine_ours_with()
    {
        // Microsoft.PowerShell.SDK, not the bare engine: the tests see what a pwsh user sees
        using var ps = PowerShellSession.Open(importModule: false);
        var text = ps.Run("[pscustomobject]@{ Name = 'web1'; Node = 'hv1' } | Select-Object Name | Format-Table | Out-String").ThrowIfErrors()
            .Output.Single().ToString();
        Assert.Contains("web1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hv1", text, StringComparison.Ordinal);
        var json = ps.Run("@{ a = 1 } | ConvertTo-Json -Compress").ThrowIfErrors().Output.Single().ToString();
        Assert.Equal("{\"a\":1}", json);
    }

    private static IEnumerable<string> TypeNames(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        return [.. md.TypeDefinitions.Select(h => md.GetTypeDefinition(h)).Select(t => $"{md.GetString(t.Namespace)}.{md.GetString(t.Name)}")];
    }
}
