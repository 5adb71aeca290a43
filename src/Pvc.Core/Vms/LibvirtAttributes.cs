using System.Xml;

namespace Pvc.Core.Vms;

/// <summary>
/// Reads a domain XML element's attributes as libvirt does: libvirt reads them with libxml2's <c>xmlGetProp</c>, which
/// ignores an attribute's namespace and takes the first one of that name, so <c>&lt;source n:protocol='rbd'&gt;</c> is an
/// RBD source to libvirt. Every check of domain XML reads attributes through here, so that it sees what libvirt sees.
/// </summary>
internal static class LibvirtAttributes
{
    /// <summary>The value libvirt reads for <paramref name="name"/>: the first attribute of that local name, whatever its namespace.</summary>
    public static string? Get(XmlReader reader, string name)
    {
        if (!reader.MoveToFirstAttribute())
            return null;
        try
        {
            do
            {
                if (reader.LocalName == name && !IsNamespaceDeclaration(reader))
                    return reader.Value;
            }
            while (reader.MoveToNextAttribute());
            return null;
        }
        finally
        {
            reader.MoveToElement();
        }
    }

    /// <summary>
    /// True when any attribute of that local name has <paramref name="value"/> (not only the first: a refusal errs on the
    /// side of seeing a use, and <c>&lt;disk a:type="block" type="file"&gt;</c> is a block disk to libvirt).
    /// </summary>
    public static bool Has(XmlReader reader, string name, string value)
    {
        if (!reader.MoveToFirstAttribute())
            return false;
        try
        {
            do
            {
                if (reader.LocalName == name && reader.Value == value && !IsNamespaceDeclaration(reader))
                    return true;
            }
            while (reader.MoveToNextAttribute());
            return false;
        }
        finally
        {
            reader.MoveToElement();
        }
    }

    /// <summary>Every value of an attribute of that local name, whatever its namespace (a check of each errs on the side of seeing a use).</summary>
    public static IReadOnlyList<string> All(XmlReader reader, string name)
    {
        if (!reader.MoveToFirstAttribute())
            return [];
        var values = new List<string>();
        try
        {
            do
            {
                if (reader.LocalName == name && !IsNamespaceDeclaration(reader))
                    values.Add(reader.Value);
            }
            while (reader.MoveToNextAttribute());
            return values;
        }
        finally
        {
            reader.MoveToElement();
        }
    }

    private static bool IsNamespaceDeclaration(XmlReader reader) => reader.NamespaceURI == "http://www.w3.org/2000/xmlns/";
}
