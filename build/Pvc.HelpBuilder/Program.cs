using Pvc.HelpBuilder;

// Pvc.HelpBuilder <docs folder> <output MAML file>: run by the module's build (src/Pvc.PowerShell).
// Problems are printed in MSBuild's canonical error format, so the build names the file, line and section.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Pvc.HelpBuilder <folder of cmdlet pages (*.md)> <output file (e.g. out/Pvc/en-US/Pvc.PowerShell.dll-Help.xml)>");
    return 2;
}
try
{
    var commands = HelpBuild.Run(args[0], args[1]);
    Console.WriteLine($"Pvc.HelpBuilder: {commands.Count} cmdlet(s) -> {args[1]}");
    return 0;
}
catch (HelpFormatException e)
{
    var origin = e.Line > 0 ? $"{e.File}({e.Line})" : e.File;
    Console.WriteLine($"{origin}: error PVCHELP: section '{e.Section}': {e.Problem}");
    return 1;
}
