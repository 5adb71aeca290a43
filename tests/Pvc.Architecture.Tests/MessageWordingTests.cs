using System.Text.RegularExpressions;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Pvc.Architecture.Tests;

/// <summary>
/// Core's messages, and those of the node service's storage, Ceph and task code (which reach PVC's tools through task
/// records), name no cmdlet and no parameter (rev14 P3-11): the module adds the PowerShell hint once
/// (PvcErrorRecords). Read from the built assemblies' string constants, interpolated messages' pieces included.
/// </summary>
public sealed partial class MessageWordingTests
{
    private static List<string> Naming(string assembly, Func<TypeDefinition, bool> which)
    {
        using var module = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        return [.. module.GetTypes().Where(which)
            .SelectMany(t => t.Methods.Where(m => m.HasBody).SelectMany(m => m.Body.Instructions
                .Where(i => i.OpCode == OpCodes.Ldstr && i.Operand is string s && CmdletOrParameter().IsMatch(s))
                .Select(i => $"{t.FullName}.{m.Name}: {i.Operand}")))
            .Distinct()];
    }

    private static string Outer(TypeDefinition t) => t.DeclaringType is { } d ? Outer(d) : t.Namespace;

    [Fact]
    public void Core_messages_name_no_cmdlet_or_parameter()
    {
        var found = Naming("Pvc.Core", _ => true);
        Assert.True(found.Count == 0, "Core's messages name cmdlets or parameters:\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_node_services_storage_Ceph_and_task_messages_name_no_cmdlet_or_parameter()
    {
        var found = Naming("pvcnoded", t => Outer(t) is var ns && (ns.StartsWith("Pvc.NodeService.Ceph", StringComparison.Ordinal)
            || ns.StartsWith("Pvc.NodeService.Storage", StringComparison.Ordinal) || ns.StartsWith("Pvc.NodeService.Tasks", StringComparison.Ordinal)));
        Assert.True(found.Count == 0, "The node service's task messages name cmdlets or parameters:\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("There is no pool; Get-PvcPool lists the pools.")]
    [InlineData("or use -Force to remove it")]
    public void The_pattern_catches_a_cmdlet_and_a_parameter(string message) => Assert.Matches(CmdletOrParameter(), message);

    // Verb-PvcNoun, or a parameter of the module's (-Force, -Wait, ...) after a space or parenthesis
    [GeneratedRegex(@"\b[A-Z][a-z]+-Pvc[A-Z]\w*|(?<=[\s(])-(Force|Wait|NoWait|AsJob|Confirm)\b")]
    private static partial Regex CmdletOrParameter();
}
