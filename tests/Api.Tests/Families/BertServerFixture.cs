using Llm.Api.Tests.Infrastructure;
using Llm.Tests.Families;

namespace Llm.Api.Tests.Families;

/// <summary>The real server (Kestrel on an ephemeral loopback port) serving only the BERT embedding model as "bert".</summary>
public sealed class BertServerFixture : IAsyncLifetime
{
    private OpsServer? _server;

    public HttpClient Http => _server!.Http;

    /// <summary>Gets the OpenAI-style base address, <c>http://127.0.0.1:port/v1</c>.</summary>
    public Uri V1 => new(_server!.BaseAddress, "/v1");

    public async Task InitializeAsync()
        => _server = await OpsServer.StartAsync("--ctx-size", "512", "--parallel", "1", "--model", BertModel.Name + "=" + BertModel.Path);

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BertServerCollection : ICollectionFixture<BertServerFixture>
{
    public const string Name = "bert-server";
}
