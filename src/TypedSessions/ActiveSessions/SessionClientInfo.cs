using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using TypedSessions.Core;

namespace TypedSessions.ActiveSessions;

/// <summary>
/// The device record of a signed-in session (<see cref="ActiveSessionOptions"/>): stored under <see cref="Key"/> as a
/// string array <c>[device, user agent, IP network, last seen (Unix ms)]</c>, and the handle derived from it.
/// </summary>
internal static class SessionClientInfo
{
    /// <summary>The framework-owned session key holding the record.</summary>
    public const string Key = "__client";

    /// <summary>Records (or refreshes) the request's device on a session bound to a user, when enabled and due.</summary>
    public static void Record(Session session, HttpContext context, ActiveSessionOptions options, DateTimeOffset now)
    {
        if (!options.RecordClientInfo || session.BoundUserKey is null)
        {
            return;
        }

        var current = Read(session);
        var userAgent = Truncate(context.Request.Headers.UserAgent.ToString(), options.MaxUserAgentLength);
        var network = Network(context.Connection.RemoteIpAddress);
        if (current is { } known
            && now - known.LastSeen < options.LastSeenInterval
            && string.Equals(known.UserAgent, userAgent, StringComparison.Ordinal)
            && string.Equals(known.IpNetwork, network, StringComparison.Ordinal))
        {
            return;
        }

        Write(session, current?.Device ?? NewDevice(), userAgent, network, now);
    }

    /// <summary>The device id of <paramref name="session"/>, created (and recorded) when it has none yet.</summary>
    public static string DeviceOf(Session session, HttpContext context, ActiveSessionOptions options, DateTimeOffset now)
    {
        if (Read(session)?.Device is { } device)
        {
            return device;
        }

        device = NewDevice();
        RecordDevice(session, device, context, options, now);
        return device;
    }

    /// <summary>Records <paramref name="device"/> on a session of the same device (an authentication ticket).</summary>
    public static void RecordDevice(Session session, string device, HttpContext context, ActiveSessionOptions options, DateTimeOffset now)
        => Write(session, device, Truncate(context.Request.Headers.UserAgent.ToString(), options.MaxUserAgentLength), Network(context.Connection.RemoteIpAddress), now);

    /// <summary>
    /// The record of a session, or <see langword="null"/> when it has none (or an unreadable one). Peeked: the read is
    /// not tracked, so refreshing the record is a blind write that parallel requests cannot conflict on.
    /// </summary>
    public static Entry? Read(Session session)
    {
        try
        {
            return Parse(session.Peek<string[]>(Key));
        }
        catch (SessionValueException)
        {
            return null;
        }
    }

    /// <summary>The record in stored bytes, or <see langword="null"/>.</summary>
    public static Entry? Read(SessionCodec codec, IReadOnlyDictionary<string, byte[]> values)
    {
        if (!values.TryGetValue(Key, out var bytes))
        {
            return null;
        }

        try
        {
            return Parse(codec.Decode<string[]>(Key, bytes));
        }
        catch (SessionValueException)
        {
            return null;
        }
    }

    /// <summary>The handle of a device (16 hex characters of a SHA-256), or of a session without a device record (its store key's first 16).</summary>
    public static string Handle(string? device, string storeKey)
        => device is null
            ? storeKey[..16]
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("typedsessions-device:" + device)))[..16];

    /// <summary>An IP address cut to its network: IPv4 /24, IPv6 /48 (IPv4-mapped IPv6 as IPv4).</summary>
    public static string? Network(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes) + "/24";
        }

        Array.Clear(bytes, 6, bytes.Length - 6);
        return new IPAddress(bytes) + "/48";
    }

    private static Entry? Parse(string[]? values)
        => values is [{ Length: > 0 } device, var userAgent, var network, var seen]
            && long.TryParse(seen, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? new Entry(device, userAgent.Length == 0 ? null : userAgent, network.Length == 0 ? null : network, DateTimeOffset.FromUnixTimeMilliseconds(ms))
            : null;

    // One place for the stored form: [device, user agent, IP network, last seen (Unix ms)]; absent parts are "".
    private static void Write(Session session, string device, string? userAgent, string? network, DateTimeOffset now)
        => session.Set(Key, new[] { device, userAgent ?? string.Empty, network ?? string.Empty, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) });

    private static string? Truncate(string value, int length)
        => value.Length == 0 ? null : value.Length <= length ? value : value[..length];

    /// <summary>A new device id: 128 random bits, kept on the server only.</summary>
    public static string NewDevice() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A device record.</summary>
    public sealed record Entry(string Device, string? UserAgent, string? IpNetwork, DateTimeOffset LastSeen);
}
