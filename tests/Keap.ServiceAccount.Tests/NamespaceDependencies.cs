using System.Reflection;
using System.Reflection.Emit;

namespace Keap.ServiceAccount.Tests;

/// <summary>
/// Which internal namespaces of the package (<c>Keap.ServiceAccount.Http</c>, <c>.Tokens</c>, …, one per folder) use
/// which, read from the compiled assembly: base types, interfaces, attributes, fields, properties, method signatures,
/// generic constraints and every type, method or field a method body names. The public types share the root namespace
/// (the package's surface, one <c>using</c>) but each is declared in a feature folder and counts as that folder's
/// (<see cref="SourceFolders"/>): otherwise two folders could use each other through public types unseen. Constants are
/// the one blind spot (the compiler copies their value), which is why a constant shared between folders belongs to the lower one.
/// </summary>
internal static class NamespaceDependencies
{
    private const string PublicNamespace = "Keap.ServiceAccount";

    private const string DependencyInjectionNamespace = "Microsoft.Extensions.DependencyInjection";

    private const string Root = PublicNamespace + ".";

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every edge "folder A uses folder B", with one example of a type of A using a type of B.</summary>
    public static IReadOnlyDictionary<(string From, string To), string> Read(Assembly assembly)
    {
        var edges = new Dictionary<(string From, string To), string>();
        foreach (var type in assembly.GetTypes())
        {
            if (Folder(type) is not { } from)
            {
                continue;
            }

            foreach (var used in Uses(type).SelectMany(Flatten).Distinct())
            {
                if (Folder(used) is { } to && to != from)
                {
                    edges.TryAdd((from, to), $"{type.FullName} uses {used.FullName}");
                }
            }
        }

        return edges;
    }

    /// <summary>
    /// The first namespace segment under the package's; for a type of the public namespaces, the source folder that
    /// declares it; <see langword="null"/> for foreign types and types declared at the package's top.
    /// </summary>
    public static string? Folder(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        if (type.Namespace is { } ns && ns.StartsWith(Root, StringComparison.Ordinal))
        {
            return ns[Root.Length..].Split('.')[0];
        }

        if (type.Namespace is not (PublicNamespace or DependencyInjectionNamespace) || type.Assembly.GetName().Name != PublicNamespace)
        {
            return null;
        }

        var name = type.Name.Split('`')[0];
        return SourceFolders.Of($"{type.Namespace}.{name}") switch
        {
            // A source generator's own helper (the options validator's, for one) has no file: it only links its user's
            // types, whose folders the graph sees through that user.
            null when type.IsDefined(typeof(System.CodeDom.Compiler.GeneratedCodeAttribute), false) => null,
            null => throw new InvalidOperationException($"No source file under src/{PublicNamespace}/ declares {type.FullName}."),
            "" => null,
            var folder => folder,
        };
    }

    private static IEnumerable<Type> Uses(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var used in type.GetInterfaces())
        {
            yield return used;
        }

        foreach (var used in Attributes(type.CustomAttributes))
        {
            yield return used;
        }

        foreach (var argument in type.GetGenericArguments().SelectMany(a => a.IsGenericParameter ? a.GetGenericParameterConstraints() : [a]))
        {
            yield return argument;
        }

        foreach (var field in type.GetFields(Declared))
        {
            yield return field.FieldType;
            foreach (var used in Attributes(field.CustomAttributes))
            {
                yield return used;
            }
        }

        foreach (var property in type.GetProperties(Declared))
        {
            yield return property.PropertyType;
            foreach (var used in Attributes(property.CustomAttributes))
            {
                yield return used;
            }
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }

            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }

            foreach (var used in Attributes(method.CustomAttributes).Concat(Body(type, method)))
            {
                yield return used;
            }
        }
    }

    private static IEnumerable<Type> Attributes(IEnumerable<CustomAttributeData> attributes) =>
        attributes.SelectMany(a => a.ConstructorArguments.Select(c => c.Value).OfType<Type>().Prepend(a.AttributeType));

    /// <summary>The types, and the declaring types of the methods and fields, that a method body names.</summary>
    private static IEnumerable<Type> Body(Type type, MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = type.IsGenericTypeDefinition ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethodDefinition ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var code = il[position] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[position + 1])] : OpCodesByValue[il[position]];
            position += code.Size;
            if (code.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments);
                switch (member)
                {
                    case Type named:
                        yield return named;
                        break;
                    case MethodInfo called:
                        yield return called.DeclaringType!;
                        foreach (var argument in called.IsGenericMethod ? called.GetGenericArguments() : [])
                        {
                            yield return argument;
                        }

                        break;
                    case { DeclaringType: { } declaring }:
                        yield return declaring;
                        break;
                }
            }

            position += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
                _ => 4,
            };
        }
    }

    /// <summary>A type and the types it is built from: element types, generic definitions and arguments.</summary>
    private static IEnumerable<Type> Flatten(Type type)
    {
        if (type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var inner in Flatten(type.GetElementType()!))
            {
                yield return inner;
            }

            yield break;
        }

        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        foreach (var inner in type.IsGenericType ? type.GetGenericArguments().SelectMany(Flatten) : [])
        {
            yield return inner;
        }
    }
}
