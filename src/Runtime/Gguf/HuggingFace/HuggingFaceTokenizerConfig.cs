using System.Text.Json;

namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// What <c>tokenizer_config.json</c> (transformers' <c>PreTrainedTokenizer</c> settings) says about special tokens,
/// BOS/EOS insertion and the chat template, read as gguf-py's <c>SpecialVocab</c> reads it: a special token is a string
/// or an <c>AddedToken</c> object with <c>content</c>; <c>chat_template</c> is a string or a list of
/// <c>{name, template}</c> of which the one named <c>default</c> is the model's template.
/// </summary>
internal sealed record HuggingFaceTokenizerConfig(
    string? BosToken, string? EosToken, string? UnknownToken, string? PadToken, bool? AddBos, bool? AddEos, string? ChatTemplate)
{
    public static HuggingFaceTokenizerConfig Parse(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object)
            throw new HuggingFaceVocabularyException("tokenizer_config.json is not a JSON object.");
        return new(
            Token(config, "bos_token"), Token(config, "eos_token"), Token(config, "unk_token"), Token(config, "pad_token"),
            Flag(config, "add_bos_token"), Flag(config, "add_eos_token"), Template(config));
    }

    private static string? Token(JsonElement config, string name)
    {
        if (!config.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => throw new HuggingFaceVocabularyException($"tokenizer_config.json's {name} is neither a string nor an object with a 'content' string."),
        };
    }

    private static bool? Flag(JsonElement config, string name)
    {
        if (!config.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw new HuggingFaceVocabularyException($"tokenizer_config.json's {name} is not a boolean."),
        };
    }

    private static string? Template(JsonElement config)
    {
        if (!config.TryGetProperty("chat_template", out var value)) return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array:
                foreach (var named in value.EnumerateArray())
                {
                    if (named.ValueKind != JsonValueKind.Object
                        || !named.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
                        || !named.TryGetProperty("template", out var t) || t.ValueKind != JsonValueKind.String)
                        throw new HuggingFaceVocabularyException("tokenizer_config.json's chat_template list holds an entry that is not {\"name\": string, \"template\": string}.");
                    if (n.GetString() == "default") return t.GetString();
                }
                throw new HuggingFaceVocabularyException("tokenizer_config.json's chat_template list has no template named 'default'.");
            default:
                throw new HuggingFaceVocabularyException("tokenizer_config.json's chat_template is neither a string nor a list of named templates.");
        }
    }
}
