using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Pipeline;
using ChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using PipelineFinish = Llm.Runtime.Chat.Pipeline.ChatFinishReason;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Microsoft.Extensions.AI;

namespace Llm.Runtime.Extensions.AI;

/// <summary>
/// <see cref="IChatClient"/> over a loaded model, in process: the same chat pipeline as every protocol of the HTTP
/// server (templates, tools, output formats, reasoning), without HTTP. Wrap it with <c>ChatClientBuilder.UseFunctionInvocation()</c>
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
        var run = Start(messages, options, cancellationToken);
        var result = await run.CollectAsync(cancellationToken).ConfigureAwait(false);
        var choice = result.Choices[0];
        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(choice.Reasoning)) contents.Add(new TextReasoningContent(choice.Reasoning));
        if (!string.IsNullOrEmpty(choice.Content)) contents.Add(new TextContent(choice.Content));
        foreach (var call in choice.ToolCalls) contents.Add(ToContent(call));
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ModelId = model.Info.Name,
            ResponseId = NewId("chatcmpl-"),
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = ToFinishReason(choice.FinishReason),
            Usage = Usage(result.Usage),
        };
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Validate and queue now, so argument errors surface at the call rather than at the first MoveNextAsync.
        var run = Start(messages, options, cancellationToken);
        return StreamAsync(run, cancellationToken);
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

    private ChatRun Start(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var tools = ChatOptionsMapper.Tools(options);
        var render = ChatOptionsMapper.RenderOptions(options, tools?.Tools);
        return ChatPipeline.Start(model, new ChatRequest
        {
            Messages = ChatMessageMapper.ToPrompt(messages, options),
            Tools = tools,
            OutputFormat = ChatOptionsMapper.OutputFormat(options),
            Sampling = ChatOptionsMapper.ToSampling(options),
            MaxTokens = options?.MaxOutputTokens,
            Stop = options?.StopSequences?.ToArray() ?? [],
            AddGenerationPrompt = render.AddGenerationPrompt,
            ContinueFinalMessage = render.ContinueFinalMessage,
            TemplateVariables = render.TemplateVariables,
            Reasoning = ChatOptionsMapper.Reasoning(options),
            CachePartition = _cachePartition,
        }, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(ChatRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
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

        await foreach (var item in run.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case ChatTextDelta text:
                    yield return Update([new TextContent(text.Text)]);
                    break;
                case ChatReasoningDelta thought:
                    yield return Update([new TextReasoningContent(thought.Text)]);
                    break;
                case ChatToolCallEvent call:
                    yield return Update([ToContent(call.Call)]);
                    break;
                case ChatChoiceFinished finish:
                    yield return Update([new UsageContent(Usage(run.Usage))], ToFinishReason(finish.Reason));
                    break;
            }
        }
    }

    private static UsageDetails Usage(ChatUsage usage) => new()
    {
        InputTokenCount = usage.PromptTokens,
        CachedInputTokenCount = usage.CachedTokens,
        OutputTokenCount = usage.CompletionTokens,
        ReasoningTokenCount = usage.ReasoningTokens,
        TotalTokenCount = usage.TotalTokens,
    };

    private static FunctionCallContent ToContent(ParsedToolCall call)
        => new(NewId("call_"), call.Name, JsonSerializer.Deserialize<Dictionary<string, object?>>(call.Arguments, AIJsonUtilities.DefaultOptions));

    private static ChatFinishReason ToFinishReason(PipelineFinish reason) => reason switch
    {
        PipelineFinish.Length => ChatFinishReason.Length,
        PipelineFinish.ToolCalls => ChatFinishReason.ToolCalls,
        _ => ChatFinishReason.Stop,
    };

    private static string NewId(string prefix) => prefix + RandomNumberGenerator.GetHexString(24, lowercase: true);
}
