using Mono.Cecil;

namespace Pvc.Architecture.Tests;

/// <summary>The members of an assembly's public API whose signature names a type of another assembly.</summary>
internal static class PublicSurface
{
    /// <summary>"Type.Member" for each public member (of a public type) whose signature names a type of <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<string> Naming(string path, string assembly)
    {
        using var module = ModuleDefinition.ReadModule(path);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes().Where(IsVisible))
        {
            bool Names(TypeReference? t) => t switch
            {
                null or GenericParameter => false,
                GenericInstanceType g => Names(g.ElementType) || g.GenericArguments.Any(Names),
                TypeSpecification s => Names(s.ElementType),
                _ => t.Scope is AssemblyNameReference a && a.Name == assembly,
            };
            if (Names(type.BaseType))
                found.Add($"{type.FullName} (base type)");
            foreach (var i in type.Interfaces.Where(i => Names(i.InterfaceType)))
                found.Add($"{type.FullName} (interface {i.InterfaceType.Name})");
            foreach (var method in type.Methods.Where(m => m.IsPublic || m.IsFamily))
                if (Names(method.ReturnType) || method.Parameters.Any(p => Names(p.ParameterType)))
                    found.Add($"{type.FullName}.{method.Name}");
            foreach (var field in type.Fields.Where(f => f.IsPublic || f.IsFamily))
                if (Names(field.FieldType))
                    found.Add($"{type.FullName}.{field.Name}");
        }
        return [.. found];
    }

    private static bool IsVisible(TypeDefinition type) =>
        type.IsNested ? (type.IsNestedPublic || type.IsNestedFamily) && IsVisible(type.DeclaringType) : type.IsPublic;
}
