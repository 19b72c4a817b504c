using SharpFuzz;

namespace TypedSessions.Fuzzing;

/// <summary>
/// Entry point of the fuzzing harness.
/// <list type="bullet">
/// <item><c>envelope</c> / <c>cookie</c>: the AFL++ targets (input on stdin, persistent mode via SharpFuzz).</item>
/// <item><c>replay TARGET FILE...</c>: runs a target once per file outside AFL and prints what each did (triage).</item>
/// <item><c>seed DIR</c>: writes the seed corpus (DIR/envelope, DIR/cookie).</item>
/// </list>
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["envelope"]:
                Fuzzer.Run(stream => Targets.Envelope(ReadAll(stream)));
                return 0;
            case ["cookie"]:
                Fuzzer.Run(stream => Targets.Cookie(ReadAll(stream)));
                return 0;
            case ["replay", var target, .. var files] when files.Length > 0:
                return Replay(target, files);
            case ["seed", var dir]:
                SeedCorpus.Write(dir);
                return 0;
            default:
                Console.Error.WriteLine("usage: TypedSessions.Fuzzing (envelope | cookie | replay envelope|cookie FILE... | seed DIR)");
                return 2;
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static int Replay(string target, string[] files)
    {
        Action<byte[]> run = target switch
        {
            "envelope" => Targets.Envelope,
            "cookie" => Targets.Cookie,
            _ => throw new ArgumentException("unknown target " + target, nameof(target)),
        };
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                run(File.ReadAllBytes(file));
                Console.WriteLine($"ok      {file}");
            }
#pragma warning disable CA1031 // Triage reports every escaping exception.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed++;
                Console.WriteLine($"CRASH   {file}: {ex.GetType().FullName}: {ex.Message}");
                Console.WriteLine(ex.ToString().Replace("\n", "\n        ", StringComparison.Ordinal));
            }
        }

        Console.WriteLine($"{files.Length - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
