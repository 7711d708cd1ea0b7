using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Microsoft.Extensions.AI;

namespace Llm.Runtime.Extensions.AI;

/// <summary>
/// <see cref="IChatClient"/> over a loaded model, in process: the same chat templates, engine, stop matching and
/// tool-call parsing as the HTTP server, without HTTP. Wrap it with <c>ChatClientBuilder.UseFunctionInvocation()</c>
/// to have tools called.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ChatOptions.AdditionalProperties"/> takes what OpenAI-compatible servers take as extra request fields:
/// <c>chat_template_kwargs</c> (a dictionary or a JSON object: extra top-level variables of the chat template, such as
/// Qwen3's <c>enable_thinking</c>) and <c>continue_final_message</c> (true: the last message, the assistant's, is
/// continued rather than answered; the response holds only the continuation). Wrongly shaped values throw
/// <see cref="ArgumentException"/>; unusable variables throw <see cref="Chat.ChatTemplateVariableException"/>.
/// </para>
/// <para>
/// Thread-safe: concurrent calls become concurrent sequences of the model's engine. Every call of one client
/// uses the client's prefix-cache partition; an application that serves several users and must keep their
/// prompts from each other (cached tokens, time to first token) creates one client per user with its own
/// partition.
/// </para>
/// </remarks>
/// <param name="model">The loaded model; the caller keeps ownership.</param>
/// <param name="cachePartition">
/// The prefix-cache partition of every request of this client (see <see cref="GenerationRequest.CachePartition"/>);
/// the default, the empty string, is the partition shared by every request that does not name one.
/// </param>
public sealed class LlmChatClient(ModelHost model, string cachePartition = "") : IChatClient
{
    private readonly string _cachePartition = cachePartition ?? throw new ArgumentNullException(nameof(cachePartition));
    private readonly ChatClientMetadata _metadata = new("llm", null, model.Info.Name);

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (stream, tools) = Submit(messages, options, cancellationToken);
        var text = new StringBuilder();
        GenerationUpdate last = default;
        await foreach (var update in stream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            last = update;
        }

        var parsed = tools is null ? new ParsedOutput(text.ToString(), []) : ToolCallParser.Parse(text.ToString(), model.Template.ToolCallFormat);
        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(parsed.Content)) contents.Add(new TextContent(parsed.Content));
        foreach (var call in parsed.Calls) contents.Add(ToContent(call));
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ModelId = model.Info.Name,
            ResponseId = NewId("chatcmpl-"),
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = parsed.Calls.Count > 0 ? ChatFinishReason.ToolCalls : ToFinishReason(last.FinishReason),
            Usage = Usage(stream, last.CompletionTokens),
        };
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Validate and queue now, so argument errors surface at the call rather than at the first MoveNextAsync.
        var (stream, tools) = Submit(messages, options, cancellationToken);
        return StreamAsync(stream, tools is null ? null : new ToolCallStreamFilter(model.Template.ToolCallFormat), cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : serviceType.IsInstanceOfType(model) ? model : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private (GenerationStream Stream, IReadOnlyList<JsonElement>? Tools) Submit(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var tools = ChatOptionsMapper.Tools(options);
        var prompt = model.RenderChat(ChatMessageMapper.ToPrompt(messages, options), ChatOptionsMapper.RenderOptions(options, tools), cancellationToken);
        var request = new GenerationRequest
        {
            PromptTokens = model.TokenizeChat(prompt, cancellationToken),
            MaxTokens = options?.MaxOutputTokens,
            Sampling = ChatOptionsMapper.ToSampling(options) with { Grammar = ChatOptionsMapper.Grammar(options, tools, model.Template.ToolCallFormat) },
            Stop = options?.StopSequences?.ToArray() ?? [],
            PreservedTokens = tools is null ? [] : model.ToolCallMarkerTokens,
            CachePartition = _cachePartition,
        };
        return (model.Submit(request, cancellationToken), tools);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(GenerationStream stream, ToolCallStreamFilter? filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var id = NewId("chatcmpl-");
        var created = DateTimeOffset.UtcNow;
        ChatResponseUpdate Update(IList<AIContent> contents, ChatFinishReason? finish = null) => new(ChatRole.Assistant, contents)
        {
            ResponseId = id,
            MessageId = id,
            ModelId = model.Info.Name,
            CreatedAt = created,
            FinishReason = finish,
        };

        await foreach (var update in stream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var text = filter is null ? update.Text : filter.Push(update.Text);
            if (text.Length > 0) yield return Update([new TextContent(text)]);
            if (update.FinishReason is not { } reason) continue;

            var contents = new List<AIContent>();
            var finish = ToFinishReason(reason);
            if (filter?.Finish() is { } end)
            {
                if (!string.IsNullOrEmpty(end.Content)) contents.Add(new TextContent(end.Content));
                foreach (var call in end.Calls) contents.Add(ToContent(call));
                if (end.Calls.Count > 0) finish = ChatFinishReason.ToolCalls;
            }
            contents.Add(new UsageContent(Usage(stream, update.CompletionTokens)));
            yield return Update(contents, finish);
        }
    }

    private static UsageDetails Usage(GenerationStream stream, int completionTokens) => new()
    {
        InputTokenCount = stream.PromptTokens,
        CachedInputTokenCount = stream.CachedTokens,
        OutputTokenCount = completionTokens,
        TotalTokenCount = stream.PromptTokens + completionTokens,
    };

    private static FunctionCallContent ToContent(ParsedToolCall call)
        => new(NewId("call_"), call.Name, JsonSerializer.Deserialize<Dictionary<string, object?>>(call.Arguments, AIJsonUtilities.DefaultOptions));

    private static ChatFinishReason? ToFinishReason(FinishReason? reason) => reason switch
    {
        FinishReason.Length => ChatFinishReason.Length,
        FinishReason.Stop => ChatFinishReason.Stop,
        _ => null,
    };

    private static string NewId(string prefix) => prefix + RandomNumberGenerator.GetHexString(24, lowercase: true);
}
