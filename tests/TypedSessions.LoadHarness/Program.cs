using System.Globalization;
using TypedSessions.LoadHarness;
using TypedSessions.LoadHarness.Soak;

// serve: the app under load (run it as its own process). drive: wrk rounds against it; prints the table.
// drive-sizes: the cost of one case (--case: set1, a one-key write, by default; read, read1, read1w) against the session's size (1 KB, 10 KB, 100 KB by default).
// soak: many clients against a running ShopSample (soak.sh); soak-header: that table's header.
string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
if (args.Length > 0 && args[0] == "soak-header")
{
    Console.WriteLine(SoakCommand.Header);
    return 0;
}

if (args.Length > 0 && args[0] == "soak")
{
    return await SoakCommand.RunAsync(
        new Uri(Arg("base", "http://127.0.0.1:5099")),
        int.Parse(Arg("pid", "0"), CultureInfo.InvariantCulture),
        Arg("store", "sqlite"),
        int.Parse(Arg("clients", "200"), CultureInfo.InvariantCulture),
        int.Parse(Arg("seconds", "60"), CultureInfo.InvariantCulture),
        int.Parse(Arg("warmup", "20"), CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "drive")
{
    return await Driver.RunAsync(
        Arg("base", "http://127.0.0.1:5099"),
        Arg("backend", "memory"),
        int.Parse(Arg("rounds", "3"), CultureInfo.InvariantCulture),
        int.Parse(Arg("seconds", "5"), CultureInfo.InvariantCulture),
        int.Parse(Arg("connections", "32"), CultureInfo.InvariantCulture),
        args.Contains("--redis") ? Arg("redis", string.Empty) : null,
        int.Parse(Arg("users", "1"), CultureInfo.InvariantCulture),
        int.Parse(Arg("warmup", "90"), CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "drive-sizes")
{
    return await Driver.RunSizesAsync(
        Arg("base", "http://127.0.0.1:5099"),
        Arg("backend", "memory"),
        int.Parse(Arg("rounds", "3"), CultureInfo.InvariantCulture),
        int.Parse(Arg("seconds", "5"), CultureInfo.InvariantCulture),
        int.Parse(Arg("connections", "32"), CultureInfo.InvariantCulture),
        args.Contains("--redis") ? Arg("redis", string.Empty) : null,
        Arg("sizes", "1024,10240,102400").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
        Arg("case", "set1"),
        int.Parse(Arg("warmup", "90"), CultureInfo.InvariantCulture));
}

await Server.RunAsync(args.Skip(args.Length > 0 && args[0] == "serve" ? 1 : 0).ToArray());
return 0;
