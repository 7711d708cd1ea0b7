using Llm.Api.Cli;
using Llm.Api.Hosting;

return args is ["finetune", .. var rest] ? await FinetuneCommand.RunAsync(rest) : await LlmServer.RunAsync(args);
