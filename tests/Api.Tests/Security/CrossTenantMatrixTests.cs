using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Security;

/// <summary>
/// The cross-tenant matrix: every route that touches tenant data (the table below) against every caller. Tenant
/// alice owns the data; bob must get exactly what a never-existing id gets (existence is not revealed) and must
/// not find alice's ids in his lists; the admin and alice's second key see and manage it; what a caller creates is
/// visible to its own tenant and the admin only. A second test fails when the server has a route that is neither
/// in the table nor named as holding no tenant data.
/// </summary>
public sealed class CrossTenantMatrixTests(TenantWorld world) : IClassFixture<TenantWorld>
{
    /// <summary>Which of alice's things a row's request is about.</summary>
    public enum Target
    {
        /// <summary>Nothing of alice's: the request creates something for the caller.</summary>
        None,
        /// <summary>Alice's shared dataset file.</summary>
        File,
        /// <summary>A file alice uploads for this case alone (the request may delete it).</summary>
        FreshFile,
        /// <summary>Alice's succeeded job.</summary>
        Job,
        /// <summary>A long job alice starts for this case alone (the request may cancel it).</summary>
        FreshJob,
        /// <summary>The fine-tuned model of alice's succeeded job.</summary>
        Model,
    }

    /// <summary>One row: a route, the request it sends for a target id, and what a caller who sees the target must get.</summary>
    /// <param name="Method">The HTTP method, as the route table has it.</param>
    /// <param name="Pattern">The route pattern, as the route table has it.</param>
    /// <param name="Variant">Tells apart rows of one route.</param>
    /// <param name="Target">Whose data the request is about.</param>
    /// <param name="NamesTarget">Whether the request names the target (else it is a list that must leave it out).</param>
    /// <param name="Request">Builds the request for a target id (or a missing one) and the caller's own file.</param>
    /// <param name="Check">Asserts a seeing caller's 200 answer shows and did what it should.</param>
    /// <param name="CreatedPath">For requests that create something: the GET path of what was created.</param>
    public sealed record Row(string Method, string Pattern, string Variant, Target Target, bool NamesTarget,
        Func<string, string, HttpRequestMessage> Request, Func<TenantWorld, string, string, Task> Check, Func<JsonElement, string>? CreatedPath = null)
    {
        public string Name => Variant.Length == 0 ? $"{Method} {Pattern}" : $"{Method} {Pattern} ({Variant})";
    }

    private const string TrainQuick = """ "method":{"type":"logistic","logistic":{"hyperparameters":{"n_epochs":1}}} """;

    /// <summary>Every route that reads, changes or uses a tenant's files, jobs, events, adapters or fine-tuned models.</summary>
    public static readonly Row[] Routes =
    [
        new("POST", "/v1/files", "", Target.None, false,
            (_, _) => TenantCallers.Upload("mine.jsonl", Datasets.Xor(20, seed: 9)),
            (_, _, body) => { Assert.Equal("file", Json(body).GetProperty("object").GetString()); return Task.CompletedTask; },
            created => $"/v1/files/{created.GetProperty("id").GetString()}"),
        new("GET", "/v1/files", "", Target.File, false,
            (_, _) => new HttpRequestMessage(HttpMethod.Get, "/v1/files"),
            (_, target, body) => { Assert.Contains(Json(body).GetProperty("data").EnumerateArray(), f => f.GetProperty("id").GetString() == target); return Task.CompletedTask; }),
        new("GET", "/v1/files/{id}", "", Target.File, true,
            (id, _) => new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{id}"),
            (_, target, body) => { Assert.Equal(target, Json(body).GetProperty("id").GetString()); return Task.CompletedTask; }),
        new("GET", "/v1/files/{id}/content", "", Target.File, true,
            (id, _) => new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{id}/content"),
            (w, _, body) => { Assert.Equal(w.FileContent, body); return Task.CompletedTask; }),
        new("DELETE", "/v1/files/{id}", "", Target.FreshFile, true,
            (id, _) => new HttpRequestMessage(HttpMethod.Delete, $"/v1/files/{id}"),
            async (w, target, body) =>
            {
                Assert.True(Json(body).GetProperty("deleted").GetBoolean());
                Assert.Equal(404, (await w.OwnerGetAsync($"/v1/files/{target}")).Status);
            }),
        new("POST", "/v1/fine_tuning/jobs", "training_file", Target.File, true,
            (id, own) => TenantCallers.Json(HttpMethod.Post, "/v1/fine_tuning/jobs", $$"""{"training_file":"{{id}}",{{TrainQuick}}}"""),
            (_, target, body) => { Assert.Equal(target, Json(body).GetProperty("training_file").GetString()); return Task.CompletedTask; },
            created => $"/v1/fine_tuning/jobs/{created.GetProperty("id").GetString()}"),
        new("POST", "/v1/fine_tuning/jobs", "validation_file", Target.File, true,
            (id, own) => TenantCallers.Json(HttpMethod.Post, "/v1/fine_tuning/jobs", $$"""{"training_file":"{{own}}","validation_file":"{{id}}",{{TrainQuick}}}"""),
            (_, target, body) => { Assert.Equal(target, Json(body).GetProperty("validation_file").GetString()); return Task.CompletedTask; },
            created => $"/v1/fine_tuning/jobs/{created.GetProperty("id").GetString()}"),
        new("GET", "/v1/fine_tuning/jobs", "", Target.Job, false,
            (_, _) => new HttpRequestMessage(HttpMethod.Get, "/v1/fine_tuning/jobs?limit=100"),
            (_, target, body) => { Assert.Contains(Json(body).GetProperty("data").EnumerateArray(), j => j.GetProperty("id").GetString() == target); return Task.CompletedTask; }),
        new("GET", "/v1/fine_tuning/jobs/{id}", "", Target.Job, true,
            (id, _) => new HttpRequestMessage(HttpMethod.Get, $"/v1/fine_tuning/jobs/{id}"),
            (_, target, body) => { Assert.Equal(target, Json(body).GetProperty("id").GetString()); return Task.CompletedTask; }),
        new("GET", "/v1/fine_tuning/jobs/{id}/events", "", Target.Job, true,
            (id, _) => new HttpRequestMessage(HttpMethod.Get, $"/v1/fine_tuning/jobs/{id}/events?limit=100"),
            (_, target, body) => { Assert.Contains(Json(body).GetProperty("data").EnumerateArray(), e => e.GetProperty("message").GetString() == $"Created fine-tuning job {target}."); return Task.CompletedTask; }),
        new("POST", "/v1/fine_tuning/jobs/{id}/cancel", "", Target.FreshJob, true,
            (id, _) => TenantCallers.Json(HttpMethod.Post, $"/v1/fine_tuning/jobs/{id}/cancel", "{}"),
            async (w, target, body) =>
            {
                Assert.Equal("cancelled", Json(body).GetProperty("status").GetString());
                Assert.Equal("cancelled", Json((await w.OwnerGetAsync($"/v1/fine_tuning/jobs/{target}")).Body).GetProperty("status").GetString());
            }),
        new("POST", "/v1/predictions", "", Target.Model, true,
            (model, _) => TenantCallers.Json(HttpMethod.Post, "/v1/predictions", $$"""{"model":"{{model}}","input":[[0.5,0.5],[0.5,-0.5]]}"""),
            (_, target, body) =>
            {
                Assert.Equal(target, Json(body).GetProperty("model").GetString());
                Assert.Equal(2, Json(body).GetProperty("data").GetArrayLength());
                return Task.CompletedTask;
            }),
    ];

    /// <summary>Routes that hold no tenant data, each with the reason; every other route must be a row above.</summary>
    public static readonly Dictionary<string, string> NoTenantData = new(StringComparer.Ordinal)
    {
        ["POST /v1/chat/completions"] = "stateless generation from the server's models",
        ["POST /v1/completions"] = "stateless generation from the server's models",
        ["POST /v1/embeddings"] = "stateless, from the server's models",
        ["GET /v1/models"] = "the server's configured models, shared by all (fine-tuned models are answered by /v1/predictions only)",
        ["GET /v1/models/{**model}"] = "the server's configured models",
        ["GET /health"] = "server status",
        ["POST /apply-template"] = "stateless",
        ["POST /tokenize"] = "stateless",
        ["POST /detokenize"] = "stateless",
        ["GET /metrics"] = "server-wide counters without tenant data",
        ["GET /openapi/{documentName}.json"] = "the API description",
        ["GET /docs/{documentName?}"] = "the API reference page",
        ["GET /docs/scalar.js"] = "the API reference page's script",
        ["GET /docs/scalar.aspnetcore.js"] = "the API reference page's script",
        ["GET /docs/favicon.svg"] = "the API reference page's icon",
    };

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var row in Routes)
        {
            foreach (var caller in TenantCallers.All) data.Add(row.Name, caller);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachRouteKeepsTenantDataToItsTenantAndTheAdmin(string route, Caller caller)
    {
        var row = Routes.Single(r => r.Name == route);
        var target = await world.TargetAsync(row.Target);
        var own = world.OwnFile[TenantCallers.TenantOf(caller)];
        var sees = row.Target == Target.None || TenantCallers.Sees(caller, Caller.Owner);
        var (status, body) = await TenantCallers.SendAsync(world.Server, caller, row.Request(target, own));

        if (sees)
        {
            Assert.True(status == 200, $"{route} as {caller}: expected 200, got {status}: {body}");
            await row.Check(world, target, body);
            if (row.CreatedPath is { } created)
            {
                var path = created(Json(body));
                if (TenantCallers.TenantOf(caller) == "alice") world.OwnerIds.Add(path[(path.LastIndexOf('/') + 1)..]);
                await AssertOnlyTheCreatorsTenantSeesAsync(path, caller);
            }
        }
        else if (row.NamesTarget)
        {
            // Exactly what an id that never existed gets, apart from the id the caller sent.
            var missing = TenantWorld.MissingId(row.Target);
            var (missingStatus, missingBody) = await TenantCallers.SendAsync(world.Server, caller, row.Request(missing, own));
            Assert.True(status is >= 400 and < 500 && status != 403, $"{route} as {caller}: expected a 4xx (never 403), got {status}: {body}");
            Assert.Equal(missingStatus, status);
            Assert.Equal(missingBody.Replace(missing, "ID", StringComparison.Ordinal), body.Replace(target, "ID", StringComparison.Ordinal));
            Assert.Contains("\"error\"", body);
        }
        else
        {
            Assert.True(status == 200, $"{route} as {caller}: expected 200, got {status}: {body}");
            foreach (var id in world.OwnerIds) Assert.DoesNotContain(id, body);
        }

        if (!sees) await world.AssertIntactAsync(row.Target, target);
    }

    [Fact]
    public void EveryRouteIsInTheMatrixOrNamedAsHoldingNoTenantData()
    {
        var sources = world.Server.Services.GetRequiredService<EndpointDataSource>();
        var routes = sources.Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Distinct().ToArray();
        var inMatrix = Routes.Select(r => $"{r.Method} {r.Pattern}").ToHashSet(StringComparer.Ordinal);
        var unclassified = routes.Where(r => !inMatrix.Contains(r) && !NoTenantData.ContainsKey(r)).ToArray();
        Assert.True(unclassified.Length == 0, "Routes neither in the cross-tenant matrix nor named as holding no tenant data: " + string.Join(", ", unclassified));
        // The table must not name routes the server does not have (a typo would make a row test nothing).
        var stale = inMatrix.Concat(NoTenantData.Keys).Where(r => !routes.Contains(r)).ToArray();
        Assert.True(stale.Length == 0, "Named routes the server does not have: " + string.Join(", ", stale) + ". It has: " + string.Join(", ", routes));
        Assert.Equal(Routes.Length * TenantCallers.All.Length, Cases().Count());
    }

    private async Task AssertOnlyTheCreatorsTenantSeesAsync(string path, Caller creator)
    {
        foreach (var viewer in TenantCallers.All)
        {
            var (status, body) = await TenantCallers.SendAsync(world.Server, viewer, new HttpRequestMessage(HttpMethod.Get, path));
            Assert.True(status == (TenantCallers.Sees(viewer, creator) ? 200 : 404), $"{path} created by {creator}, read by {viewer}: {status} {body}");
        }
    }

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;
}
