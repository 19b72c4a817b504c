using TypedSessions.TestSupport;

namespace TypedSessions.Faults.Tests;

/// <summary>
/// Makes a SQLite database read-only for real, also when the tests run as root (root ignores file modes):
/// as root with the immutable attribute (<c>chattr +i</c>), otherwise by removing write permission. Covers
/// the database file, its WAL and its folder (no journal can be created). The <c>-shm</c> index is left
/// alone: SQLite maps it into memory, and making a mapped file immutable kills the process with SIGBUS,
/// which is not a store fault but a test that crashes itself.
/// </summary>
internal sealed class ReadOnlyFiles(string databasePath)
{
    private bool _applied;

    public static string Description => Environment.IsPrivilegedProcess
        ? "database, WAL and folder made immutable (chattr +i; we run as root)"
        : "database, WAL and folder made read-only (chmod a-w)";

    private string[] Targets => [databasePath, databasePath + "-wal", Path.GetDirectoryName(databasePath)!];

    public async Task ApplyAsync()
    {
        if (Environment.IsPrivilegedProcess)
        {
            try
            {
                await Processes.RunAsync("chattr", ["+i", .. Targets]);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException(
                    "Running as root, the only way found to make the SQLite file read-only is chattr +i (root ignores chmod), and it failed here " +
                    "(the file system may not support the immutable attribute, or CAP_LINUX_IMMUTABLE is missing). Run the tests as a non-root user instead.", ex);
            }
        }
        else
        {
            await Processes.RunAsync("chmod", ["a-w", .. Targets]);
        }

        _applied = true;
    }

    public async Task UndoAsync()
    {
        if (!_applied)
        {
            return;
        }

        if (Environment.IsPrivilegedProcess)
        {
            await Processes.RunAsync("chattr", ["-i", .. Targets]);
        }
        else
        {
            await Processes.RunAsync("chmod", ["u+w", .. Targets]);
        }

        _applied = false;
    }
}
