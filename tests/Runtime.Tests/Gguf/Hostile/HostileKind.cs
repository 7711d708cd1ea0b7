namespace Llm.Runtime.Tests.Gguf.Hostile;

/// <summary>One kind of hostile file: how to make it from the valid base model, and what its refusal must name.</summary>
/// <param name="Name">A short id, also used as the served model's name.</param>
/// <param name="Expected">Text the one-line reason must contain: the key, the tensor, or the limit.</param>
/// <param name="Make">Turns a fresh copy of the base model into the hostile file.</param>
internal sealed record HostileKind(string Name, string Expected, Action<RawGguf> Make)
{
    public override string ToString() => Name;

    /// <summary>Writes the file to <paramref name="folder"/>; returns its path.</summary>
    public string Write(string folder)
    {
        var raw = RawGguf.From(HostileGguf.BaseModel);
        Make(raw);
        var path = Path.Combine(folder, Name + ".gguf");
        raw.WriteFile(path);
        return path;
    }
}
