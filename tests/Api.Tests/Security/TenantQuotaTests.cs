using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>
/// Per-tenant quotas on stored bytes, files and unfinished jobs: a 400 <c>quota_exceeded</c> naming the quota,
/// before anything is stored; one tenant's use does not count against another's; deleting or ending frees room;
/// concurrent uploads cannot pass a quota together; admins have none.
/// </summary>
public sealed class TenantQuotaTests
{
    private static readonly string Small = Datasets.Xor(10, seed: 1);

    [Fact]
    public async Task TheFilesQuotaRefusesBeforeStoringAndDeletingFreesIt()
    {
        await using var server = await TenantCallers.StartServerAsync("--tenant-max-files", "2", "--tenant-max-bytes", "0");
        var alice = TenantCallers.Client(server, Caller.Owner);
        var first = await alice.UploadAsync("a.jsonl", Small);
        await alice.UploadAsync("b.jsonl", Small);

        // The second key of the same tenant shares its quota.
        var (status, body) = await TenantCallers.Client(server, Caller.OwnerOtherKey).TryUploadAsync("c.jsonl", Small);
        AssertQuota(status, body, "--tenant-max-files 2");
        Assert.Equal(2, StoredContents(server, "alice"));
        Assert.Equal(2, (await alice.GetAsync("/v1/files")).Body.GetProperty("data").GetArrayLength());

        // Another tenant has its own quota; the admin has none.
        await TenantCallers.Client(server, Caller.OtherTenant).UploadAsync("b1.jsonl", Small);
        var admin = TenantCallers.Client(server, Caller.Admin);
        for (var i = 0; i < 4; i++) await admin.UploadAsync($"admin{i}.jsonl", Small);

        Assert.Equal(HttpStatusCode.OK, (await alice.Http.DeleteAsync($"/v1/files/{first}")).StatusCode);
        await alice.UploadAsync("c.jsonl", Small);
        AssertQuota(await alice.TryUploadAsync("d.jsonl", Small), "--tenant-max-files 2");
    }

    [Fact]
    public async Task TheBytesQuotaCountsWhatIsStoredAndTheNewFile()
    {
        var big = Datasets.Xor(60, seed: 2);
        var limit = Small.Length + big.Length - 1;
        await using var server = await TenantCallers.StartServerAsync("--tenant-max-bytes", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var alice = TenantCallers.Client(server, Caller.Owner);
        var small = await alice.UploadAsync("small.jsonl", Small);
        AssertQuota(await alice.TryUploadAsync("big.jsonl", big), $"--tenant-max-bytes {limit}");
        Assert.Equal(1, StoredContents(server, "alice"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.Folder, "data"), "*.tmp", SearchOption.AllDirectories));

        // Bob's bytes are his own; deleting frees alice's; one byte over is still refused.
        await TenantCallers.Client(server, Caller.OtherTenant).UploadAsync("big.jsonl", big);
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.DeleteAsync($"/v1/files/{small}")).StatusCode);
        await alice.UploadAsync("big.jsonl", big);
        AssertQuota(await alice.TryUploadAsync("small.jsonl", Small), $"--tenant-max-bytes {limit}");
        Assert.Equal(1, StoredContents(server, "alice"));
    }

    [Fact]
    public async Task ConcurrentUploadsCannotPassTheQuotaTogether()
    {
        await using var server = await TenantCallers.StartServerAsync("--tenant-max-files", "3");
        var bob = TenantCallers.Client(server, Caller.OtherTenant);
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => bob.TryUploadAsync($"f{i}.jsonl", Datasets.Xor(200, seed: i))));
        Assert.Equal(3, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => AssertQuota(r, "--tenant-max-files 3"));
        Assert.Equal(3, StoredContents(server, "bob"));
    }

    [Fact]
    public async Task TheActiveJobsQuotaCountsUnfinishedJobsAndCancellingFreesIt()
    {
        await using var server = await TenantCallers.StartServerAsync("--tenant-max-active-jobs", "1");
        var alice = TenantCallers.Client(server, Caller.Owner);
        var file = await alice.UploadAsync("blobs.csv", Datasets.BlobsCsv(2000, 8));
        var longJob = new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 100000, batch_size = 1 } } } };
        var running = (await alice.CreateJobAsync(longJob)).GetProperty("id").GetString()!;

        AssertQuota(await alice.PostAsync("/v1/fine_tuning/jobs", longJob), "--tenant-max-active-jobs 1");
        Assert.Single((await alice.GetAsync("/v1/fine_tuning/jobs")).Body.GetProperty("data").EnumerateArray());

        // Bob's and the admin's jobs do not count against alice.
        var bob = TenantCallers.Client(server, Caller.OtherTenant);
        var bobFile = await bob.UploadAsync("x.jsonl", Small);
        var bobJob = (await bob.CreateJobAsync(new { training_file = bobFile })).GetProperty("id").GetString()!;
        var admin = TenantCallers.Client(server, Caller.Admin);
        var adminJobs = new List<string>();
        for (var i = 0; i < 2; i++) adminJobs.Add((await admin.CreateJobAsync(new { training_file = file })).GetProperty("id").GetString()!);

        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsync($"/v1/fine_tuning/jobs/{running}/cancel", new { })).Status);
        var next = (await alice.CreateJobAsync(new { training_file = file, method = new { type = "logistic" } })).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await alice.WaitAsync(next)).GetProperty("status").GetString());

        // A finished job no longer counts.
        await alice.CreateJobAsync(new { training_file = file, method = new { type = "logistic" } });
        foreach (var id in adminJobs) await admin.WaitAsync(id);
        await bob.WaitAsync(bobJob);
    }

    [Fact]
    public async Task WithoutKeysThereIsOneTenantWithoutQuotas()
    {
        await using var server = await OpsServer.StartAsync(false, "--tenant-max-files", "1", "--tenant-max-active-jobs", "1");
        var client = new FineTuningClient(server.Http);
        var a = await client.UploadAsync("a.jsonl", Small);
        await client.UploadAsync("b.jsonl", Small);
        Assert.Equal(2, (await client.GetAsync("/v1/files")).Body.GetProperty("data").GetArrayLength());
        Assert.Equal(2, StoredContents(server, "default"));
        Assert.Equal(["default"], Directory.EnumerateDirectories(Path.Combine(server.Folder, "data", "tenants")).Select(Path.GetFileName));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/files/{a}")).Status);
    }

    private static int StoredContents(OpsServer server, string tenant)
    {
        var folder = Path.Combine(server.Folder, "data", "tenants", tenant, "files");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.data").Count() : 0;
    }

    private static void AssertQuota((HttpStatusCode Status, JsonElement Body) answer, string quota) => AssertQuota(answer.Status, answer.Body, quota);

    private static void AssertQuota(HttpStatusCode status, JsonElement body, string quota)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {status}: {body}");
        var error = body.GetProperty("error");
        Assert.Equal("quota_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(quota, error.GetProperty("message").GetString());
    }
}
