using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Pvc.Architecture.Tests;

/// <summary>
/// The types each type of a built assembly refers to: in signatures, base types, attributes and method bodies
/// (what the compiler emitted, so a fully qualified name or a <c>var</c> counts as much as a <c>using</c>).
/// Nested and compiler-generated types (closures, async state machines) count as their outermost type.
/// </summary>
internal sealed class AssemblyReferences
{
    private AssemblyReferences(string assemblyName, IReadOnlyList<TypeReferenceEdge> edges)
    {
        AssemblyName = assemblyName;
        Edges = edges;
    }

    /// <summary>The assembly read.</summary>
    public string AssemblyName { get; }

    /// <summary>Each distinct (from type, to type) reference.</summary>
    public IReadOnlyList<TypeReferenceEdge> Edges { get; }

    /// <summary>Reads the assembly at <paramref name="path"/>.</summary>
    public static AssemblyReferences Read(string path)
    {
        using var module = ModuleDefinition.ReadModule(path);
        var edges = new HashSet<TypeReferenceEdge>();
        foreach (var type in module.GetTypes())
        {
            var from = Outermost(type);
            if (from.Namespace.Length == 0)
                continue; // <Module>, <PrivateImplementationDetails>
            var fromName = from.FullName;
            void Add(TypeReference? reference)
            {
                foreach (var to in Flatten(reference))
                    edges.Add(new TypeReferenceEdge(fromName, from.Namespace, AssemblyOf(to, module), OutermostNamespace(to), OutermostName(to)));
            }
            // a member counts with its type and its attributes
            void AddMember(TypeReference memberType, ICustomAttributeProvider member)
            {
                Add(memberType);
                AddAttributes(member, Add);
            }
            Add(type.BaseType);
            foreach (var i in type.Interfaces)
                Add(i.InterfaceType);
            AddAttributes(type, Add);
            foreach (var field in type.Fields)
                AddMember(field.FieldType, field);
            foreach (var property in type.Properties)
                AddMember(property.PropertyType, property);
            foreach (var method in type.Methods)
            {
                AddMember(method.ReturnType, method);
                foreach (var p in method.Parameters)
                    AddMember(p.ParameterType, p);
                foreach (var g in method.GenericParameters)
                    foreach (var c in g.Constraints)
                        Add(c.ConstraintType);
                if (!method.HasBody)
                    continue;
                foreach (var local in method.Body.Variables)
                    Add(local.VariableType);
                foreach (var handler in method.Body.ExceptionHandlers)
                    Add(handler.CatchType);
                foreach (var instruction in method.Body.Instructions)
                    AddOperand(instruction, Add);
            }
        }
        return new AssemblyReferences(module.Assembly.Name.Name, [.. edges]);
    }

    private static void AddOperand(Instruction instruction, Action<TypeReference?> add)
    {
        switch (instruction.Operand)
        {
            case TypeReference t:
                add(t);
                break;
            case MethodReference m:
                add(m.DeclaringType);
                add(m.ReturnType);
                foreach (var p in m.Parameters)
                    add(p.ParameterType);
                if (m is GenericInstanceMethod g)
                    foreach (var a in g.GenericArguments)
                        add(a);
                break;
            case FieldReference f:
                add(f.DeclaringType);
                add(f.FieldType);
                break;
        }
    }

    private static void AddAttributes(ICustomAttributeProvider provider, Action<TypeReference?> add)
    {
        foreach (var attribute in provider.CustomAttributes)
        {
            add(attribute.AttributeType);
            IEnumerable<CustomAttributeArgument> arguments;
            try
            {
                arguments = [.. attribute.ConstructorArguments];
            }
            catch (AssemblyResolutionException)
            {
                // an enum argument of a type in an assembly not beside this one (PowerShell's SDK is compile-only):
                // the attribute's type is counted, its arguments are not
                continue;
            }
            foreach (var argument in arguments)
                if (argument.Value is TypeReference t)
                    add(t);
        }
    }

    /// <summary>The named types a reference is made of: the element type of arrays and pointers, and generic arguments.</summary>
    private static IEnumerable<TypeReference> Flatten(TypeReference? reference)
    {
        switch (reference)
        {
            case null:
            case GenericParameter:
                yield break;
            case GenericInstanceType g:
                foreach (var t in Flatten(g.ElementType))
                    yield return t;
                foreach (var a in g.GenericArguments)
                    foreach (var t in Flatten(a))
                        yield return t;
                yield break;
            case TypeSpecification s:
                foreach (var t in Flatten(s.ElementType))
                    yield return t;
                yield break;
            default:
                yield return reference;
                yield break;
        }
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type;
    }

    private static string OutermostNamespace(TypeReference type) => Outermost(type).Namespace;

    private static string OutermostName(TypeReference type) => Outermost(type).FullName;

    private static string AssemblyOf(TypeReference type, ModuleDefinition module) => type.Scope switch
    {
        AssemblyNameReference a => a.Name,
        ModuleDefinition m => m.Assembly.Name.Name,
        _ => module.Assembly.Name.Name,
    };
}

/// <summary>One type referring to another.</summary>
/// <param name="From">The referring type's full name.</param>
/// <param name="FromNamespace">Its namespace.</param>
/// <param name="ToAssembly">The assembly of the type referred to.</param>
/// <param name="ToNamespace">The namespace of the type referred to.</param>
/// <param name="To">The full name of the type referred to.</param>
internal sealed record TypeReferenceEdge(string From, string FromNamespace, string ToAssembly, string ToNamespace, string To);
