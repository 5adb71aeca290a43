namespace Pvc.Core.Schema;

/// <summary>
/// The keys of one kind of element (a node, a VM, a network, ...): sub-paths under the element's root
/// znode, with the default PVC's schema validation gives a missing key ("" unless stated).
/// </summary>
public sealed class ElementSchema
{
    private readonly Dictionary<string, string> _defaults;

    /// <summary>Creates a schema for elements under <paramref name="basePath"/>.</summary>
    public ElementSchema(string kind, string basePath, IReadOnlyList<string> subPaths, IReadOnlyDictionary<string, string>? defaults = null)
    {
        Kind = kind;
        BasePath = basePath;
        SubPaths = subPaths;
        _defaults = new Dictionary<string, string>(defaults ?? new Dictionary<string, string>(), StringComparer.Ordinal);
    }

    /// <summary>The element kind, as PVC names it (node, domain, network, ...).</summary>
    public string Kind { get; }

    /// <summary>The parent of the elements (e.g. <c>/domains</c>); "" for nested kinds addressed from their parent.</summary>
    public string BasePath { get; }

    /// <summary>Every key's sub-path; "" is the element's root znode. Parents come before children.</summary>
    public IReadOnlyList<string> SubPaths { get; }

    /// <summary>The root znode of an element.</summary>
    public string Root(string item) => $"{BasePath}/{item}";

    /// <summary>A key's path for an element.</summary>
    public string Path(string item, string subPath) => $"{BasePath}/{item}{subPath}";

    /// <summary>The value PVC's validation writes when the key is missing.</summary>
    public string DefaultOf(string subPath) => _defaults.GetValueOrDefault(subPath, "");
}
