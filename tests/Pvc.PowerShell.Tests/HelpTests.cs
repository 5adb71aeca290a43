using System.Management.Automation;
using System.Xml.Linq;
using Pvc.Core.Connection;
using Pvc.HelpBuilder;
using Pvc.Testing;
using Pvc.Testing.PowerShell;

namespace Pvc.PowerShell.Tests;

/// <summary>Get-Help, on the real engine, reads the MAML the build generated into out/Pvc/en-US.</summary>
public sealed class HelpTests
{
    private static CommandHelp Page(string cmdlet) =>
        MarkdownHelpReader.Read(Path.Combine(RepositoryRoot.Path, "docs", "cmdlets", cmdlet + ".md"));

    [Fact]
    public void The_build_writes_the_help_file_next_to_the_module_in_en_US()
    {
        var helpFile = Path.Combine(Path.GetDirectoryName(PowerShellSession.ModuleManifest)!, "en-US", "Pvc.PowerShell.dll-Help.xml");
        Assert.True(File.Exists(helpFile), $"{helpFile} is missing: the build's BuildModuleHelp target did not run");
        using var ps = PowerShellSession.Open();
        // the engine names the file by the cmdlet's assembly, and resolves it to the culture folder when Get-Help reads it
        Assert.Equal("Pvc.PowerShell.dll-Help.xml", ps.Run("(Get-Command Connect-PvcCluster).HelpFile").ThrowIfErrors().Output.Single().ToString());
        ps.Run("$null = Get-Help Connect-PvcCluster").ThrowIfErrors();
        Assert.Equal(helpFile, ps.Run("(Get-Command Connect-PvcCluster).HelpFile").ThrowIfErrors().Output.Single().ToString());
    }

    [Fact]
    public void Get_Help_about_Pvc_shows_the_conceptual_topic_shipped_with_the_module()
    {
        using var ps = PowerShellSession.Open();
        var text = ps.Run("Get-Help about_Pvc | Out-String").ThrowIfErrors().Output.Single().ToString()!;

        Assert.Contains("about_Pvc", text, StringComparison.Ordinal);
        foreach (var section in new[] { "CONNECTIONS", "WAITING: -Wait, -Timeout AND -AsJob", "WHAT FAILOVER AND FENCING PROMISE" })
            Assert.Contains(section, text, StringComparison.Ordinal);
        // found as the module's own topic, not by a full-text search that returned something else
        Assert.Equal("about_Pvc", ps.Run("(Get-Help about_Pvc).Name").ThrowIfErrors().Output.Single().ToString());
    }

    [Fact]
    public void Get_Help_Full_shows_the_synopsis_description_parameters_and_examples_of_Connect_PvcCluster()
    {
        var page = Page("Connect-PvcCluster");
        using var ps = PowerShellSession.Open();
        var help = ps.Run("Get-Help Connect-PvcCluster -Full").ThrowIfErrors().Output.Single();

        // from the MAML file, not the syntax-only help PowerShell makes up when it finds none
        Assert.Contains("MamlCommandHelpInfo", help.TypeNames);
        Assert.Equal("Connect-PvcCluster", Text(help, "Name"));
        Assert.Equal(page.Synopsis, Text(help, "Synopsis"));
        Assert.StartsWith("Connects to a PVC cluster's ZooKeeper", page.Synopsis, StringComparison.Ordinal);
        Assert.Equal(page.Description, Texts(help.Properties["description"].Value));

        var parameters = Items(help, "parameters", "parameter");
        Assert.Equal(["Server", "Credential", "CertificateAuthorityFile", "ClientCertificate", "Timeout", "SessionTimeout", "NoDefault"], parameters.Select(p => Text(p, "name")));
        foreach (var parameter in parameters)
        {
            var name = Text(parameter, "name");
            var description = Texts(parameter.Properties["description"].Value);
            Assert.Equal(page.Parameters.Single(p => p.Name == name).Description, description);
            Assert.NotEmpty(description);
        }
        var server = parameters[0];
        Assert.Equal("true", Text(server, "required"));
        Assert.Equal("0", Text(server, "position"));
        Assert.Equal("Hosts, ComputerName", Text(server, "aliases"));
        Assert.Equal("String[]", Text(Items(server, "type").Single(), "name"));
        Assert.Equal("named", Text(parameters[2], "position"));

        var examples = Items(help, "examples", "example");
        Assert.Equal(page.Examples.Count, examples.Count);
        var first = examples[0];
        Assert.Contains("Example 1: Connect to a three-node cluster", Text(first, "title"), StringComparison.Ordinal);
        Assert.Contains("Connect-PvcCluster -Server hv1, hv2, hv3", Text(first, "code"), StringComparison.Ordinal);
        Assert.Contains("makes the connection the default one", string.Join(" ", Texts(first.Properties["remarks"].Value)), StringComparison.Ordinal);

        var syntax = Items(help, "syntax", "syntaxItem").Single();
        Assert.Equal(["Server", "Credential", "CertificateAuthorityFile", "ClientCertificate", "Timeout", "SessionTimeout", "NoDefault"], Items(syntax, "parameter").Select(p => Text(p, "name")));
        Assert.Equal("Pvc.Core.Connection.ClusterConnection", ReturnTypeNames(help).Single());
    }

    [Fact]
    public void Get_Help_renders_Disconnect_PvcCluster_with_its_pipeline_input()
    {
        using var ps = PowerShellSession.Open();
        var help = ps.Run("Get-Help Disconnect-PvcCluster -Full").ThrowIfErrors().Output.Single();
        Assert.Equal(Page("Disconnect-PvcCluster").Synopsis, Text(help, "Synopsis"));
        var cluster = Items(help, "parameters", "parameter").Single();
        Assert.Equal("Cluster", Text(cluster, "name"));
        Assert.Equal("True (ByValue)", Text(cluster, "pipelineInput"));
        Assert.NotEmpty(Items(help, "examples", "example"));

        // the text a user reads: the generated sections, in the module's own words
        var text = ps.Render("Get-Help Disconnect-PvcCluster -Full").ThrowIfErrors().HostText;
        foreach (var expected in new[] { "SYNOPSIS", "Closes a cluster connection", "DESCRIPTION", "-Cluster <ClusterConnection>", "Example 1: Close the default connection", "RELATED LINKS", "Connect-PvcCluster" })
            Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    /// <summary>The texts of a MAML description (objects with a Text property; Get-Help ends all but the last with a newline).</summary>
    private static List<string> Texts(object? value) =>
        [.. Enumerate(value).Select(p => Text(p, "Text").TrimEnd('\n'))];

    /// <summary>A property's value as a string (help properties are strings, sometimes wrapped in a PSObject).</summary>
    private static string Text(PSObject o, string property) => o.Properties[property]?.Value?.ToString() ?? "";

    /// <summary>Follows properties (<c>$help.parameters.parameter</c>) to a list of objects.</summary>
    private static List<PSObject> Items(PSObject root, params string[] path)
    {
        IEnumerable<PSObject> current = [root];
        foreach (var name in path)
            current = current.SelectMany(o => Enumerate(o.Properties[name]?.Value));
        return [.. current];
    }

    private static List<string> ReturnTypeNames(PSObject help) =>
        [.. Items(help, "returnValues", "returnValue", "type").Select(t => Text(t, "name"))];

    private static IEnumerable<PSObject> Enumerate(object? value) => value switch
    {
        null => [],
        PSObject { BaseObject: object[] array } => array.Select(PSObject.AsPSObject),
        object[] array => array.Select(PSObject.AsPSObject),
        PSObject single => [single],
        _ => [PSObject.AsPSObject(value)],
    };
}
