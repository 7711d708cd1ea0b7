namespace Llm.Runtime.Models;

/// <summary>Where a configured model is in its life.</summary>
public enum ModelState
{
    /// <summary>Configured, being loaded.</summary>
    Loading,

    /// <summary>Loaded and serving.</summary>
    Ready,

    /// <summary>Loading failed; see the entry's error.</summary>
    Failed,

    /// <summary>Configured but not in memory: not loaded yet (load on first use) or unloaded after its keep-alive or by eviction.</summary>
    Unloaded,
}
