using System.Globalization;
using Npgsql;
using TypedSessions.TestSupport;

namespace TypedSessions.Faults.Tests;

/// <summary>
/// This test's own PostgreSQL cluster (initdb + pg_ctl) on a loopback port, in a temp folder, run as the
/// <c>postgres</c> user when we are root. fsync stays on: a commit is acknowledged once it is durable.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _bin;
    private bool _running;

    private readonly string[] _settings;

    private PrivatePostgres(string folder, string bin, int port, string[] settings)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
        _settings = settings;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    private string Data => Path.Combine(_folder, "data");

    /// <summary>A new cluster (initdb), started.</summary>
    /// <param name="settings">Extra <c>postgres</c> arguments, e.g. <c>-c synchronous_standby_names=*</c>.</param>
    public static async Task<PrivatePostgres> StartAsync(params string[] settings)
    {
        var bin = FindBin();
        var server = new PrivatePostgres(Processes.TempFolder("ts-faults-pg-"), bin, TestServers.FreePort(), settings);
        Directory.CreateDirectory(server.Data);
        if (Environment.IsPrivilegedProcess)
        {
            await Processes.RunAsync("chown", "-R", "postgres", server._folder);
        }

        await Processes.RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", server.Data, "--auth=trust", "-U", "postgres", "--no-sync");
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>A streaming standby of <paramref name="primary"/> (<c>pg_basebackup -R -X stream</c>), started; it follows the primary until promoted.</summary>
    public static async Task<PrivatePostgres> StartStandbyOfAsync(PrivatePostgres primary)
    {
        var server = new PrivatePostgres(Processes.TempFolder("ts-faults-pg-standby-"), primary._bin, TestServers.FreePort(), []);
        if (Environment.IsPrivilegedProcess)
        {
            await Processes.RunAsync("chown", "-R", "postgres", server._folder);
        }

        await Processes.RunAsPostgresAsync(
            Path.Combine(primary._bin, "pg_basebackup"), "-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", server.Data, "-R", "-X", "stream", "--no-sync");
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Promotes a standby to primary (<c>pg_ctl promote</c>) and waits until it accepts writes.</summary>
    public Task PromoteAsync() => Processes.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Data, "-w", "promote");

    private static string FindBin()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderBy(d => int.Parse(Path.GetFileName(Path.GetDirectoryName(d)!), CultureInfo.InvariantCulture)).LastOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl); tests/servers.sh installs it with apt-get.");
    }

    /// <summary>Starts the cluster and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        await Processes.RunAsPostgresAsync(
            Path.Combine(_bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(_folder, "postgres.log"), "-w",
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 {string.Join(' ', _settings)}", "start");
        _running = true;
    }

    /// <summary>Stops the cluster: <c>fast</c> (clean) or <c>immediate</c> (crash; recovery from WAL on the next start).</summary>
    public async Task StopAsync(string mode)
    {
        await Processes.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Data, "-m", mode, "-w", "stop");
        _running = false;
    }

    /// <summary>Opens a connection of its own (not the app's pool) and locks the session table until disposed.</summary>
    public async Task<IAsyncDisposable> LockTableAsync(string table)
    {
        var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"LOCK TABLE \"{table}\" IN ACCESS EXCLUSIVE MODE;", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new TableLock(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            await StopAsync("fast");
        }

        Directory.Delete(_folder, recursive: true);
    }

    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
