namespace Llm.Runtime.Chat.Jinja;

internal delegate object? FilterFunction(RenderContext context, object? value, CallArgs args);
