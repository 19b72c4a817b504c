using Microsoft.CodeAnalysis;

namespace TypedSessions.CookieSecurity
{
    /// <summary>What holds a setting: the rules differ by owner (defaults, wording, which properties exist).</summary>
    internal enum SettingOwner
    {
        None,
        TypedSessionOptions,
        TypedSessionCookie,
        SessionOptions,
        CookieAuthenticationOptions,
        CookiePolicyOptions,
        CookieBuilder,
        CookieOptions,
    }

    /// <summary>The ASP.NET Core and TypedSessions types the security rules look at, resolved once per compilation.</summary>
    internal sealed class SecurityTypes
    {
        public SecurityTypes(Compilation compilation)
        {
            TypedSessionOptions = compilation.GetTypeByMetadataName("TypedSessions.TypedSessionOptions");
            SessionCookieOptions = compilation.GetTypeByMetadataName("TypedSessions.SessionCookieOptions");
            SessionOptions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.SessionOptions");
            CookieAuthenticationOptions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions");
            CookiePolicyOptions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.CookiePolicyOptions");
            AntiforgeryOptions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions");
            CookieBuilder = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.CookieBuilder");
            CookieOptions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.CookieOptions");
            ResponseCookies = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.IResponseCookies");
            HeaderDictionary = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.IHeaderDictionary");
            SessionExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.SessionServiceCollectionExtensions");
            CookiePolicyExtensions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.CookiePolicyAppBuilderExtensions");
            TypedSessionsExtensions = compilation.GetTypeByMetadataName("TypedSessions.TypedSessionsServiceCollectionExtensions");
            IConfiguration = compilation.GetTypeByMetadataName("Microsoft.Extensions.Configuration.IConfiguration");
        }

        public INamedTypeSymbol? TypedSessionOptions { get; }

        public INamedTypeSymbol? SessionCookieOptions { get; }

        public INamedTypeSymbol? SessionOptions { get; }

        public INamedTypeSymbol? CookieAuthenticationOptions { get; }

        public INamedTypeSymbol? CookiePolicyOptions { get; }

        public INamedTypeSymbol? AntiforgeryOptions { get; }

        public INamedTypeSymbol? CookieBuilder { get; }

        public INamedTypeSymbol? CookieOptions { get; }

        public INamedTypeSymbol? ResponseCookies { get; }

        public INamedTypeSymbol? HeaderDictionary { get; }

        public INamedTypeSymbol? SessionExtensions { get; }

        public INamedTypeSymbol? CookiePolicyExtensions { get; }

        public INamedTypeSymbol? TypedSessionsExtensions { get; }

        public INamedTypeSymbol? IConfiguration { get; }

        /// <summary>Whether the compilation can use any of the analyzed APIs at all.</summary>
        public bool AnyKnown => TypedSessionOptions is not null || CookieBuilder is not null || CookieOptions is not null;

        public SettingOwner OwnerOf(ITypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (Is(current, TypedSessionOptions))
                {
                    return SettingOwner.TypedSessionOptions;
                }

                if (Is(current, SessionCookieOptions))
                {
                    return SettingOwner.TypedSessionCookie;
                }

                if (Is(current, SessionOptions))
                {
                    return SettingOwner.SessionOptions;
                }

                if (Is(current, CookieAuthenticationOptions))
                {
                    return SettingOwner.CookieAuthenticationOptions;
                }

                if (Is(current, CookiePolicyOptions))
                {
                    return SettingOwner.CookiePolicyOptions;
                }

                if (Is(current, CookieBuilder))
                {
                    return SettingOwner.CookieBuilder;
                }

                if (Is(current, CookieOptions))
                {
                    return SettingOwner.CookieOptions;
                }
            }

            return SettingOwner.None;
        }

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
            => known is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, known);
    }
}
