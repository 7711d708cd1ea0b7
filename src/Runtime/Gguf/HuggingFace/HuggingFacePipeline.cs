using System.Text.Json;

namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// Questions about the normalizer, pre-tokenizer, post-processor and decoder steps of a <c>tokenizer.json</c> (each a
/// <c>{"type": ...}</c> object, possibly a <c>Sequence</c> of them), as the <c>tokenizers</c> library defines them.
/// </summary>
internal static class HuggingFacePipeline
{
    /// <summary>Whether the tokenizer maps bytes to printable characters (GPT-2's byte-level BPE).</summary>
    public static bool IsByteLevel(JsonElement tokenizer) =>
        Steps(tokenizer, "pre_tokenizer").Concat(Steps(tokenizer, "decoder")).Any(s => Type(s) == "ByteLevel");

    /// <summary>
    /// Whether a SentencePiece-style tokenizer puts <c>▁</c> before the text (a <c>Prepend</c> normalizer or a
    /// <c>Metaspace</c> pre-tokenizer that prepends), which llama.cpp calls <c>add_space_prefix</c>.
    /// </summary>
    public static bool PrependsSpace(JsonElement tokenizer)
    {
        if (Steps(tokenizer, "normalizer").Any(s => Type(s) == "Prepend" && s.TryGetProperty("prepend", out var p) && p.ValueKind == JsonValueKind.String && p.GetString() == "\u2581"))
            return true;
        foreach (var step in Steps(tokenizer, "pre_tokenizer").Where(s => Type(s) == "Metaspace"))
        {
            if (step.TryGetProperty("prepend_scheme", out var scheme) && scheme.ValueKind == JsonValueKind.String)
                return scheme.GetString() != "never";
            if (step.TryGetProperty("add_prefix_space", out var add))
                return add.ValueKind == JsonValueKind.True;
        }
        return false;
    }

    /// <summary>
    /// Whether the post-processor's single-sequence template starts (<paramref name="atEnd"/> false) or ends with the
    /// special token <paramref name="token"/>; null when there is no template to tell.
    /// </summary>
    public static bool? TemplateAdds(JsonElement tokenizer, string? token, bool atEnd)
    {
        foreach (var step in Steps(tokenizer, "post_processor").Where(s => Type(s) == "TemplateProcessing"))
        {
            if (!step.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array)
                continue;
            var items = single.EnumerateArray().ToList();
            if (items.Count == 0)
                return false;
            var edge = atEnd ? items[^1] : items[0];
            return token is not null && edge.ValueKind == JsonValueKind.Object
                && edge.TryGetProperty("SpecialToken", out var special) && special.ValueKind == JsonValueKind.Object
                && special.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == token;
        }
        return null;
    }

    private static string? Type(JsonElement step) =>
        step.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static IEnumerable<JsonElement> Steps(JsonElement tokenizer, string part)
    {
        if (!tokenizer.TryGetProperty(part, out var root) || root.ValueKind != JsonValueKind.Object)
            return [];
        var steps = new List<JsonElement>();
        Flatten(root, steps);
        return steps;
    }

    private static void Flatten(JsonElement step, List<JsonElement> steps)
    {
        steps.Add(step);
        if (Type(step) != "Sequence")
            return;
        foreach (var name in new[] { "normalizers", "pretokenizers", "processors", "decoders" })
        {
            if (step.TryGetProperty(name, out var inner) && inner.ValueKind == JsonValueKind.Array)
            {
                foreach (var child in inner.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
                    Flatten(child, steps);
            }
        }
    }
}
