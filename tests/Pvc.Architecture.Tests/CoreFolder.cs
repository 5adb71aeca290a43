namespace Pvc.Architecture.Tests;

/// <summary>Core's folders (the first namespace segment under <c>Pvc.Core</c>) and the cycles among them.</summary>
internal static class CoreFolder
{
    /// <summary>The folder of a Core namespace, or null for a namespace outside Core.</summary>
    public static string? Of(string ns) =>
        ns.StartsWith("Pvc.Core.", StringComparison.Ordinal) ? ns["Pvc.Core.".Length..].Split('.')[0] : ns == "Pvc.Core" ? "" : null;

    /// <summary>
    /// Each strongly connected set of folders (Tarjan), as the references that close it: one line per folder arrow
    /// inside the set, with a type that makes it.
    /// </summary>
    public static IReadOnlyList<string> Cycles(IReadOnlyList<TypeReferenceEdge> edges)
    {
        var arrows = edges.GroupBy(e => (From: Of(e.FromNamespace)!, To: Of(e.ToNamespace)!))
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.From, StringComparer.Ordinal).First());
        var next = arrows.Keys.GroupBy(k => k.From).ToDictionary(g => g.Key, g => g.Select(k => k.To).Order(StringComparer.Ordinal).ToList());
        var folders = arrows.Keys.SelectMany(k => new[] { k.From, k.To }).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<string>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                    low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v])
                return;
            var set = new HashSet<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                set.Add(x);
            } while (x != v);
            if (set.Count > 1)
                result.Add(string.Join("\n", arrows.Where(a => set.Contains(a.Key.From) && set.Contains(a.Key.To))
                    .OrderBy(a => a.Key.From, StringComparer.Ordinal).ThenBy(a => a.Key.To, StringComparer.Ordinal)
                    .Select(a => $"  {a.Key.From} -> {a.Key.To} ({a.Value.From} uses {a.Value.To})")));
        }
        foreach (var f in folders)
            if (!index.ContainsKey(f))
                Visit(f);
        return result;
    }
}
