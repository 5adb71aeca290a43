using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// For tests only: <c>PVC_TASK_HANDLER_ASSEMBLIES</c>, a ':'-separated list of assembly paths whose public
/// <see cref="IClusterTaskHandler"/> classes are registered besides the product's, so that the test suites can run
/// tasks of test kinds (a gate they open, a refusal, a crash) through real node services while the product build
/// carries no test-only handler. Unset in production; the service logs a warning when it is set.
/// </summary>
internal static class TaskHandlerAssemblies
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "PVC_TASK_HANDLER_ASSEMBLIES";

    /// <summary>Registers the handlers of the assemblies the variable names; returns their kinds' types (empty when unset).</summary>
    public static IReadOnlyList<Type> Register(IServiceCollection services, string? setting)
    {
        var types = new List<Type>();
        foreach (var path in (setting ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(path));
            foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IClusterTaskHandler).IsAssignableFrom(t)))
            {
                services.AddSingleton(typeof(IClusterTaskHandler), type);
                types.Add(type);
            }
        }
        return types;
    }
}
