namespace Llm.Runtime.Chat.Jinja;

internal delegate bool TestFunction(RenderContext context, object? value, CallArgs args);
