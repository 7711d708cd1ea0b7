namespace Llm.Api.FineTuning;

/// <summary>
/// Moves a data directory from the layout before tenants (<c>files/</c>, <c>jobs/</c>, <c>adapters/</c> at its
/// root) into one tenant's folder (<c>tenants/default/...</c>), so that every tenant's data is one folder.
/// </summary>
/// <remarks>
/// Each old folder moves with one rename when the tenant has no such folder yet (atomic on one volume). When it
/// has one (an interrupted earlier run), the entries move one by one; an entry whose name is already taken stays
/// where it is, with a warning, so nothing is overwritten or lost. Running it again after it finished does nothing.
/// Records keep their format, so a job queued when the old server stopped is still queued after the move.
/// </remarks>
public static partial class LegacyLayoutMigration
{
    /// <summary>The folders of the old layout, as they are named under a tenant's folder too.</summary>
    public static IReadOnlyList<string> Folders { get; } = ["files", "jobs", "adapters"];

    /// <summary>Moves the old folders under <paramref name="root"/> into <paramref name="tenantFolder"/>; returns how many entries it moved (a whole folder counts once).</summary>
    /// <exception cref="IOException">A move failed (permissions, another volume); what moved before stays moved and the next start continues.</exception>
    public static int Run(string root, string tenantFolder, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var moved = 0;
        foreach (var name in Folders)
        {
            var legacy = Path.Combine(root, name);
            if (!Directory.Exists(legacy)) continue;
            var destination = Path.Combine(tenantFolder, name);
            Directory.CreateDirectory(tenantFolder);
            if (!Directory.Exists(destination))
            {
                Directory.Move(legacy, destination);
                moved++;
                LogMoved(logger, legacy, destination);
                continue;
            }
            var movedHere = 0;
            foreach (var entry in Directory.EnumerateFileSystemEntries(legacy).ToArray())
            {
                var target = Path.Combine(destination, Path.GetFileName(entry));
                if (File.Exists(target) || Directory.Exists(target))
                {
                    LogKept(logger, entry, target);
                    continue;
                }
                if (Directory.Exists(entry)) Directory.Move(entry, target);
                else File.Move(entry, target, overwrite: false);
                movedHere++;
            }
            moved += movedHere;
            // Counted again rather than trusted: what the log says was left is what is there.
            var left = Directory.EnumerateFileSystemEntries(legacy).Count();
            if (left == 0)
            {
                Directory.Delete(legacy);
                LogMovedEntries(logger, movedHere, legacy, destination);
            }
            else
            {
                LogMovedSome(logger, movedHere, legacy, destination, left);
            }
        }
        return moved;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Legacy} to {Destination} (data directories are laid out per tenant now)")]
    private static partial void LogMoved(ILogger logger, string legacy, string destination);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved all {Moved} entries of {Legacy} to {Destination} one by one and removed the empty folder (data directories are laid out per tenant now)")]
    private static partial void LogMovedEntries(ILogger logger, int moved, string legacy, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved {Moved} entries of {Legacy} to {Destination}; {Left} entries stay in the old folder because their names are taken there (see the warnings above)")]
    private static partial void LogMovedSome(ILogger logger, int moved, string legacy, string destination, int left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Left {Entry} in place: {Target} already exists; compare them and remove one by hand")]
    private static partial void LogKept(ILogger logger, string entry, string target);
}
