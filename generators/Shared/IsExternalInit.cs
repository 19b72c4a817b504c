namespace System.Runtime.CompilerServices
{
    // Records and init accessors on netstandard2.0.
    internal static class IsExternalInit
    {
    }
}
