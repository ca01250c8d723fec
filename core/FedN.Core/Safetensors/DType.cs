namespace FedN.Core.Safetensors;

/// <summary>Element types of the safetensors format (the names used in the header's <c>dtype</c> field).</summary>
public enum DType
{
    /// <summary>Boolean, one byte.</summary>
    Bool,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>8-bit float, E5M2 (stored and inspected; not decoded for arithmetic).</summary>
    F8E5M2,
    /// <summary>8-bit float, E4M3 (stored and inspected; not decoded for arithmetic).</summary>
    F8E4M3,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16,
    /// <summary>IEEE 754 half precision.</summary>
    F16,
    /// <summary>bfloat16: the upper 16 bits of an IEEE 754 single.</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32,
    /// <summary>IEEE 754 single precision.</summary>
    F32,
    /// <summary>IEEE 754 double precision.</summary>
    F64,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
}

/// <summary>Facts about each <see cref="DType"/>.</summary>
public static class DTypes
{
    private static readonly (DType Type, string Name, int Size)[] Table =
    [
        (DType.Bool, "BOOL", 1), (DType.U8, "U8", 1), (DType.I8, "I8", 1),
        (DType.F8E5M2, "F8_E5M2", 1), (DType.F8E4M3, "F8_E4M3", 1),
        (DType.I16, "I16", 2), (DType.U16, "U16", 2), (DType.F16, "F16", 2), (DType.BF16, "BF16", 2),
        (DType.I32, "I32", 4), (DType.U32, "U32", 4), (DType.F32, "F32", 4),
        (DType.F64, "F64", 8), (DType.I64, "I64", 8), (DType.U64, "U64", 8),
    ];

    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this DType dtype) => Table[(int)dtype].Size;

    /// <summary>The name written in a safetensors header, for example <c>F32</c> or <c>F8_E4M3</c>.</summary>
    public static string ToSafetensorsName(this DType dtype) => Table[(int)dtype].Name;

    /// <summary>Parses a header <c>dtype</c> name (case-sensitive, as the format specifies).</summary>
    public static bool TryParse(string name, out DType dtype)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                dtype = entry.Type;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <summary>All names the format defines, for error messages.</summary>
    public static string KnownNames => string.Join(", ", Table.Select(e => e.Name));
}
