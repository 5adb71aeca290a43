using Pvc.Core.Schema;

namespace Pvc.Core.Cluster;

/// <summary>What a schema repair did.</summary>
/// <param name="Created">The keys created, in creation order.</param>
/// <param name="Unrepaired">
/// Problems left: invalid values (a repair never rewrites data), and missing keys of elements that changed
/// while being repaired (created or deleted by someone else meanwhile; validate again to see what is left).
/// </param>
public sealed record SchemaRepairResult(IReadOnlyList<string> Created, IReadOnlyList<SchemaProblem> Unrepaired);
