using System.Net;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>
/// A public path (<c>--public-path</c>) on a server with keys: callers without a key are the ordinary tenant
/// <c>anonymous</c>, never the admin default tenant, and a caller with a key is still its own tenant there.
/// </summary>
public sealed class PublicPathTenantTests
{
    [Fact]
    public async Task CallersWithoutAKeyOnAPublicPathAreAnOrdinaryTenant()
    {
        await using var server = await TenantCallers.StartServerAsync("--public-path", "/v1/files", "--public-path", "/health");
        var alice = TenantCallers.Client(server, Caller.Owner);
        var aliceFile = await alice.UploadAsync("alice.jsonl", Datasets.Xor(20));
        var anonymous = new FineTuningClient(server.Http);

        var (listStatus, list) = await anonymous.GetAsync("/v1/files");
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.DoesNotContain(aliceFile, list.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/v1/files/{aliceFile}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.DeleteAsync($"/v1/files/{aliceFile}")).StatusCode);

        var anonymousFile = await anonymous.UploadAsync("anon.jsonl", Datasets.Xor(20, seed: 3));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/v1/files/{anonymousFile}")).Status);
        Assert.Equal([aliceFile], (await alice.GetAsync("/v1/files")).Body.GetProperty("data").EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await TenantCallers.Client(server, Caller.Admin).GetAsync($"/v1/files/{anonymousFile}")).Status);
        Assert.True(Directory.Exists(Path.Combine(server.Folder, "data", "tenants", "anonymous", "files")));

        // Paths that are not public still need a key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/fine_tuning/jobs")).Status);
    }
}
