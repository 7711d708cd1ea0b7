using System.Text.Json;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Api.Generation;
using Llm.Runtime.Chat;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary>
/// <c>POST /apply-template</c>: renders a conversation into the prompt the model would see, without generating, and
/// counts the tokens generation would give it (text a client wrote that looks like a control token stays text there).
/// </summary>
public static class ApplyTemplateEndpoints
{
    public static IEndpointRouteBuilder MapApplyTemplate(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/apply-template", ApplyAsync);
        return routes;
    }

    private static async Task<Ok<ApplyTemplateResponse>> ApplyAsync(HttpContext http, ModelRegistry models, Hosting.ServerOptions options, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.ApplyTemplateRequest, cancellationToken);
        if (string.IsNullOrWhiteSpace(request.Model)) throw OpenAiException.InvalidRequest("You must provide a model parameter.", "model");
        var turns = ChatPromptMapper.ToPrompt(request.Messages, options.MaxMessages);
        var tools = request.Tools;
        if (tools is not null)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i].ValueKind != JsonValueKind.Object) throw OpenAiException.InvalidRequest($"'tools[{i}]' must be an object.", $"tools[{i}]");
            }
        }

        var model = models.Get(request.Model);
        // The prompt is for chat, which this model refuses: answer as chat completions do rather than render one.
        model.EnsureCanGenerate();
        var template = model.Template;
        try
        {
            if (request.ChatTemplate is { } text)
            {
                var own = model.SpecialTokenText;
                template = ChatTemplate.FromJinja(text, new SpecialTokenText(request.BosToken ?? own.Bos, request.EosToken ?? own.Eos));
            }
            var renderOptions = ChatRenderMapper.ToRenderOptions(request.ChatTemplateKwargs, request.AddGenerationPrompt, request.ContinueFinalMessage, turns,
                template, options.DefaultTemplateVariables(), tools);
            var prompt = model.RenderChat(template, turns, renderOptions, cancellationToken);
            var tokens = model.TokenizeChat(prompt, cancellationToken);
            return TypedResults.Ok(new ApplyTemplateResponse(prompt.Text, tokens.Length, prompt.HasLookAlikes));
        }
        catch (ChatTemplateException ex) when (request.ChatTemplate is not null)
        {
            // The client sent the template, so its faults are named after the client's parameter.
            var mapped = OpenAiErrors.Map(ex);
            throw new OpenAiException(mapped.StatusCode, mapped.Message, mapped.Type, "chat_template", mapped.Code, ex);
        }
    }
}
