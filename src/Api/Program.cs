using Llm.Api.Hosting;

return await LlmServer.RunAsync(args);
