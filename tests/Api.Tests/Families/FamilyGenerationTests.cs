using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Families;

/// <summary>
/// What breaks first with real vocabularies, over HTTP on the random-weight family models: end-of-generation
/// tokens, characters split across byte-level tokens, streamed against whole replies.
/// </summary>
[Collection(FamilyServerCollection.Name)]
public sealed class FamilyGenerationTests(FamilyServerFixture server)
{
    public static TheoryData<string, string> EndOfGeneration => new()
    {
        { "llama3_1", "<|eot_id|>" },
        { "llama3_1", "<|eom_id|>" },
        { "qwen3", "<|im_end|>" },
        { "qwen3", "<|endoftext|>" },
        { "gemma3", "<end_of_turn>" },
    };

    [Theory]
    [MemberData(nameof(EndOfGeneration))]
    public async Task GenerationEndsOnEveryEndOfGenerationTokenAndNeverPrintsIt(string model, string endText)
    {
        var end = await server.SingleTokenAsync(model, endText);
        foreach (var stream in new[] { false, true })
        {
            var (text, finish) = await ChatAsync(model, new() { [end] = 100 }, maxTokens: 8, stream);
            Assert.Equal("stop", finish);
            Assert.Equal(string.Empty, text);
        }

        // The control: a bias towards an ordinary token runs to the token limit, so "stop" above was the end token.
        var ordinary = await server.SingleTokenAsync(model, "hello");
        var (controlText, controlFinish) = await ChatAsync(model, new() { [ordinary] = 100 }, maxTokens: 8, stream: false);
        Assert.Equal("length", controlFinish);
        Assert.Contains("hello", controlText, StringComparison.Ordinal);
    }

    public static TheoryData<string> Models => new() { "llama3_1", "qwen3", "gemma3" };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task CharactersSplitAcrossTokensStreamWholeAndTheStreamEqualsTheReply(string model)
    {
        // Tokens that each hold only part of a UTF-8 character, found by the server's own tokenizer.
        var (character, parts) = await SplitCharacterAsync(model);
        var bias = parts.Distinct().ToDictionary(id => id, _ => 100);
        // A JSON string of eight characters: the grammar only lets partial tokens through in an order that completes
        // characters, and the bias makes the model spell them from those pieces (the first few may come merged with
        // the opening quote, in a token that is not biased).
        var format = new { type = "json_schema", json_schema = new { name = "s", schema = new { type = "string", minLength = 8, maxLength = 8 } } };
        var whole = await RawChatAsync(model, bias, 40, stream: false, seed: 7, format);
        var parsed = JsonDocument.Parse(whole).RootElement;
        var reply = parsed.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        var value = JsonDocument.Parse(reply).RootElement.GetString()!;
        var runes = value.EnumerateRunes().ToList();
        Assert.Equal(8, runes.Count);
        Assert.DoesNotContain(new Rune(0xFFFD), runes);
        var spelled = runes.Count(r => r.Utf8SequenceLength > 1);
        Assert.True(spelled >= 3, $"'{value}' is not spelled from the pieces of {character}");
        Assert.True(parsed.GetProperty("usage").GetProperty("completion_tokens").GetInt32() >= spelled * 2 + 2, whole);

        var body = await RawChatAsync(model, bias, 40, stream: true, seed: 7, format);
        var chunks = new List<string>();
        foreach (var line in body.Split('\n'))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            var choices = JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices");
            if (choices.GetArrayLength() > 0 && choices[0].GetProperty("delta").TryGetProperty("content", out var c) && c.GetString() is { Length: > 0 } piece)
                chunks.Add(piece);
        }

        Assert.Equal(reply, string.Concat(chunks));
        // No chunk ends inside a character: a split would show as a replacement character or a lone surrogate.
        var replacements = reply.Count(c => c == '\uFFFD');
        Assert.Equal(replacements, chunks.Sum(c => c.Count(ch => ch == '\uFFFD')));
        foreach (var chunk in chunks)
        {
            Assert.False(char.IsHighSurrogate(chunk[^1]), $"chunk ends with half a surrogate pair: {chunk}");
            Assert.False(char.IsLowSurrogate(chunk[0]), $"chunk starts with half a surrogate pair: {chunk}");
        }
    }

    [Fact]
    public async Task LegacyLogprobsWritePartialCharactersAsBytes()
    {
        // Llama 3's 🦙 is three tokens, the first the bytes F0 9F: OpenAI writes such a token "bytes:\xf0\x9f".
        var (_, parts) = await SplitCharacterAsync("llama3_1");
        var body = new Dictionary<string, object?>
        {
            ["model"] = "llama3_1",
            ["prompt"] = "x",
            ["max_tokens"] = 1,
            ["temperature"] = 0,
            ["logprobs"] = 1,
            ["logit_bias"] = new Dictionary<string, int> { [parts[0].ToString(CultureInfo.InvariantCulture)] = 100 },
        };
        using var response = await server.Http.PostAsJsonAsync("/v1/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var logprobs = JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("logprobs");
        using var pieces = await server.Http.PostAsJsonAsync("/tokenize", new { model = "llama3_1", content = "🦙", with_pieces = true });
        var bytes = (await pieces.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pieces")[0].GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32());
        var expected = "bytes:" + string.Concat(bytes.Select(b => "\\x" + b.ToString("x2", CultureInfo.InvariantCulture)));
        Assert.Equal(expected, logprobs.GetProperty("tokens")[0].GetString());
        Assert.True(logprobs.GetProperty("top_logprobs")[0].TryGetProperty(expected, out _), text);
    }

    private async Task<(string Character, List<int> Parts)> SplitCharacterAsync(string model)
    {
        foreach (var candidate in new[] { "🦙", "𠜎", "🫠", "ꙮ", "𝔘", "Ꮚ", "€" })
        {
            using var response = await server.Http.PostAsJsonAsync("/tokenize", new { model, content = candidate, add_special = false, parse_special = false, with_pieces = true });
            response.EnsureSuccessStatusCode();
            var tokens = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pieces");
            if (tokens.GetArrayLength() < 2) continue;
            var ids = tokens.EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToList();
            var partial = tokens.EnumerateArray().All(t => !IsWholeText(t.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray()));
            if (partial) return (candidate, ids);
        }
        throw new InvalidOperationException($"No test character splits into partial tokens in {model}.");
    }

    private static bool IsWholeText(byte[] bytes)
    {
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return bytes.Length > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private async Task<(string Text, string Finish)> ChatAsync(string model, Dictionary<int, int> bias, int maxTokens, bool stream)
    {
        var raw = await RawChatAsync(model, bias, maxTokens, stream, seed: null);
        if (!stream)
        {
            var choice = JsonDocument.Parse(raw).RootElement.GetProperty("choices")[0];
            return (choice.GetProperty("message").GetProperty("content").GetString() ?? string.Empty, choice.GetProperty("finish_reason").GetString()!);
        }
        var text = new StringBuilder();
        string? finish = null;
        foreach (var line in raw.Split('\n'))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            var choices = JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices");
            if (choices.GetArrayLength() == 0) continue;
            if (choices[0].GetProperty("delta").TryGetProperty("content", out var c)) text.Append(c.GetString());
            if (choices[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) finish = f.GetString();
        }
        Assert.Contains("data: [DONE]", raw, StringComparison.Ordinal);
        return (text.ToString(), finish!);
    }

    /// <summary>Posts a chat and returns the body decoded strictly: invalid UTF-8 on the wire fails the test.</summary>
    private async Task<string> RawChatAsync(string model, Dictionary<int, int> bias, int maxTokens, bool stream, int? seed, object? responseFormat = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = "Say something." } },
            ["max_tokens"] = maxTokens,
            ["logit_bias"] = bias.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value),
            ["stream"] = stream,
        };
        if (responseFormat is not null) body["response_format"] = responseFormat;
        if (seed is { } s)
        {
            body["seed"] = s;
            body["temperature"] = 1.0;
        }
        else
        {
            body["temperature"] = 0;
        }
        using var response = await server.Http.PostAsJsonAsync("/v1/chat/completions", body);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }
}
