using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Jinja;
using Llm.Tests.Families;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>
/// The chat templates of the tested families (Qwen3, Llama 3, Gemma 3 from the npm tokenizer packages; Llama 3.1 and
/// Phi 3.5 from the shared golden folder) rendered by the project's <see cref="ChatTemplate"/> must equal, byte for
/// byte, what transformers' apply_chat_template renders (Goldens/family_templates.json, made by
/// Goldens/generate_family_templates.py with Jinja2 3.1).
/// </summary>
public class FamilyTemplateTests
{
    private static readonly JinjaOptions Options = new() { Clock = new FixedClock(new DateTimeOffset(2024, 7, 26, 12, 0, 0, TimeSpan.Zero)) };

    private static readonly Lazy<JsonElement> Golden = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Jinja", "Goldens", "family_templates.json")));
        return document.RootElement.Clone();
    });

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Golden.Value.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("template").GetString()!, c.GetProperty("case").GetString()!);
        }
        return data;
    }

    [Fact]
    public void Goldens_cover_five_templates_and_the_listed_conversations()
    {
        var cases = Golden.Value.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(5, Golden.Value.GetProperty("templates").GetArrayLength());
        Assert.Equal(75, cases.Count);
        Assert.Equal(71, cases.Count(c => c.GetProperty("expected").ValueKind == JsonValueKind.String));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_like_transformers(string templateName, string caseName)
    {
        var c = Golden.Value.GetProperty("cases").EnumerateArray()
            .Single(x => x.GetProperty("template").GetString() == templateName && x.GetProperty("case").GetString() == caseName);
        var info = Golden.Value.GetProperty("templates").EnumerateArray().Single(t => t.GetProperty("name").GetString() == templateName);
        var text = LoadTemplate(templateName);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        Assert.True(hash == info.GetProperty("sha256").GetString(),
            $"The template '{templateName}' ({info.GetProperty("source").GetString()}) is not the one the goldens were made from " +
            $"(SHA-256 {hash}, goldens {info.GetProperty("sha256").GetString()}): regenerate with tests/Runtime.Tests/Jinja/Goldens/generate_family_templates.py.");
        var tokens = new SpecialTokenText(
            info.GetProperty("bos_token").GetString() ?? string.Empty, info.GetProperty("eos_token").GetString() ?? string.Empty);
        var messages = c.GetProperty("messages").EnumerateArray().Select(ToMessage).ToList();
        var options = new ChatRenderOptions
        {
            AddGenerationPrompt = c.GetProperty("add_generation_prompt").GetBoolean(),
            Tools = c.GetProperty("tools").ValueKind == JsonValueKind.Array ? [.. c.GetProperty("tools").EnumerateArray()] : null,
        };
        var chatTemplate = JinjaChatTemplate.Create(text, tokens, "test", Options);

        Func<string> render;
        var kwargs = c.GetProperty("kwargs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        if (kwargs.Count > 0) options = options with { TemplateVariables = kwargs };
        if (!chatTemplate.RendersTools && (options.Tools is not null || messages.Any(m => m.Role == "tool" || m.ToolCalls is not null)))
        {
            // The server teaches tools through GenericToolPrompt to a template without a tool section, on purpose:
            // what transformers does with the same variables is the engine's part, checked here.
            render = () => RenderThroughEngine(text, messages, options, tokens, c);
        }
        else
        {
            render = () => chatTemplate.Render(messages, options);
        }

        if (c.GetProperty("expected").ValueKind == JsonValueKind.String)
        {
            Assert.Equal(c.GetProperty("expected").GetString(), render());
            return;
        }
        var thrown = Assert.ThrowsAny<Exception>(render);
        if (c.GetProperty("error").GetString() == "TemplateError")
        {
            var message = thrown is ChatTemplateException { InnerException: JinjaRaiseException inner } ? inner.Message : Assert.IsType<JinjaRaiseException>(thrown).Message;
            Assert.Equal(c.GetProperty("error_message").GetString(), message);
        }
        else
        {
            Assert.True(thrown is JinjaRuntimeException or ChatTemplateException { InnerException: JinjaRuntimeException }, thrown.ToString());
        }
    }

    private static string RenderThroughEngine(string text, IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions options, SpecialTokenText tokens, JsonElement c)
    {
        var variables = ChatTemplateVariables.Create(messages, options, tokens, normalizeToolCallIds: false);
        return JinjaTemplate.Parse(text, Options).Render(variables);
    }

    private static ChatPromptMessage ToMessage(JsonElement m) => new(
        m.GetProperty("role").GetString()!,
        m.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : null)
    {
        ToolCallId = m.TryGetProperty("tool_call_id", out var id) ? id.GetString() : null,
        ReasoningContent = m.TryGetProperty("reasoning_content", out var reasoning) ? reasoning.GetString() : null,
        ToolCalls = m.TryGetProperty("tool_calls", out var calls)
            ? calls.EnumerateArray().Select(call => new ChatPromptToolCall(
                call.GetProperty("id").GetString()!,
                call.GetProperty("function").GetProperty("name").GetString()!,
                call.GetProperty("function").GetProperty("arguments").GetRawText())).ToList()
            : null,
    };

    private static string LoadTemplate(string name)
    {
        if (HuggingFaceTokenizers.Families.Contains(name))
        {
            using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceTokenizers.Folder(name), "tokenizer_config.json")));
            return config.RootElement.GetProperty("chat_template").GetString()!;
        }
        Assert.True(GoldenData.Exists, GoldenData.MissingMessage);
        return GoldenData.LoadTemplate(name);
    }
}
