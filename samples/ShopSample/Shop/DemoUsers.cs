using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ShopSample.Shop;

/// <summary>The configuration section <c>Shop</c>.</summary>
internal sealed class ShopOptions
{
    public const string SectionName = "Shop";

    /// <summary>The demo accounts (<c>Shop:Users</c>).</summary>
    public IList<DemoUser> Users { get; } = [];
}

/// <summary>A demo account from configuration.</summary>
internal sealed class DemoUser
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public int UserId { get; set; }
}

/// <summary>
/// Checks demo credentials. Every configured account is compared, always in full, with
/// <see cref="CryptographicOperations.FixedTimeEquals"/> on SHA-256 hashes, so the time taken
/// does not tell whether a username exists or how much of a password matched.
/// </summary>
internal sealed class DemoUserDirectory
{
    private readonly (DemoUser User, byte[] NameHash, byte[] PasswordHash)[] _users;

    public DemoUserDirectory(IOptions<ShopOptions> options)
        => _users = [.. options.Value.Users.Select(u => (u, Hash(u.Username), Hash(u.Password)))];

    /// <summary>The account whose username and password both match, or <see langword="null"/>.</summary>
    public DemoUser? Find(string username, string password)
    {
        var nameHash = Hash(username);
        var passwordHash = Hash(password);
        DemoUser? found = null;
        foreach (var (user, expectedName, expectedPassword) in _users)
        {
            // Non-short-circuiting '&': both comparisons always run.
            if (CryptographicOperations.FixedTimeEquals(nameHash, expectedName) & CryptographicOperations.FixedTimeEquals(passwordHash, expectedPassword))
            {
                found = user;
            }
        }

        return found;
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}

internal static class DemoUserServiceCollectionExtensions
{
    public static IServiceCollection AddDemoUsers(this IServiceCollection services)
    {
        services.AddOptions<ShopOptions>()
            .BindConfiguration(ShopOptions.SectionName)
            .Validate(
                o => o.Users.All(u => u.Username.Length > 0 && u.Password.Length > 0 && u.UserId > 0)
                    && o.Users.Select(u => u.Username).Distinct(StringComparer.Ordinal).Count() == o.Users.Count,
                "Every Shop:Users entry needs a unique Username, a Password and a positive UserId.")
            .ValidateOnStart();
        services.AddSingleton<DemoUserDirectory>();
        return services;
    }
}
