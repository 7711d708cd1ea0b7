using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>
/// A server with the tenants' keys and what tenant alice owns on it: a dataset file, a succeeded job and its
/// fine-tuned model; each tenant also has a file of its own. Cases that delete or cancel get fresh targets.
/// </summary>
public sealed class TenantWorld : IAsyncLifetime
{
    private const string LongJob = """{"training_file":"FILE","method":{"type":"mlp","mlp":{"hyperparameters":{"n_epochs":100000,"batch_size":1}}}}""";

    internal OpsServer Server { get; private set; } = null!;

    /// <summary>Gets the content of alice's shared file.</summary>
    public string FileContent { get; } = Datasets.Xor(40, seed: 5);

    /// <summary>Gets each tenant's own file, by tenant name.</summary>
    public Dictionary<string, string> OwnFile { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets every id alice's keys created; none may appear in another tenant's lists.</summary>
    public ConcurrentBag<string> OwnerIds { get; } = [];

    public string FileId { get; private set; } = "";

    public string JobId { get; private set; } = "";

    public string Model { get; private set; } = "";

    private FineTuningClient Alice => TenantCallers.Client(Server, Caller.Owner);

    public async Task InitializeAsync()
    {
        // Quotas off: the matrix creates many jobs; quotas have their own tests.
        Server = await TenantCallers.StartServerAsync("--tenant-max-active-jobs", "0");
        await Server.WaitHealthyAsync();
        var job = await Alice.TrainAsync("alice.jsonl", FileContent, new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 3 } } });
        FileId = job.GetProperty("training_file").GetString()!;
        JobId = job.GetProperty("id").GetString()!;
        Model = job.GetProperty("fine_tuned_model").GetString()!;
        OwnFile["alice"] = FileId;
        foreach (var caller in new[] { Caller.OtherTenant, Caller.Admin })
            OwnFile[TenantCallers.TenantOf(caller)] = await TenantCallers.Client(Server, caller).UploadAsync("own.jsonl", Datasets.Xor(20, seed: 7));
        foreach (var id in new[] { FileId, JobId, Model }) OwnerIds.Add(id);
    }

    /// <summary>Returns the id (or model name) of alice's target, making a fresh one where the case may consume it.</summary>
    public async Task<string> TargetAsync(CrossTenantMatrixTests.Target target)
    {
        string id;
        switch (target)
        {
            case CrossTenantMatrixTests.Target.FreshFile:
                id = await Alice.UploadAsync("fresh.jsonl", Datasets.Xor(20, seed: 11));
                break;
            case CrossTenantMatrixTests.Target.FreshJob:
                id = (await Alice.CreateJobAsync(LongJob.Replace("FILE", FileId, StringComparison.Ordinal))).GetProperty("id").GetString()!;
                break;
            case CrossTenantMatrixTests.Target.Job:
                return JobId;
            case CrossTenantMatrixTests.Target.Model:
                return Model;
            case CrossTenantMatrixTests.Target.File:
                return FileId;
            default:
                return "";
        }
        OwnerIds.Add(id);
        return id;
    }

    /// <summary>An id of the target's kind that never existed.</summary>
    public static string MissingId(CrossTenantMatrixTests.Target target)
    {
        var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        return target switch
        {
            CrossTenantMatrixTests.Target.File or CrossTenantMatrixTests.Target.FreshFile => "file-" + hex,
            CrossTenantMatrixTests.Target.Job or CrossTenantMatrixTests.Target.FreshJob => "ftjob-" + hex,
            _ => "ft:logistic:" + hex,
        };
    }

    public Task<(int Status, string Body)> OwnerGetAsync(string path) =>
        TenantCallers.SendAsync(Server, Caller.Owner, new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>Asserts a target another tenant tried to reach is unchanged for alice, then ends a fresh long job.</summary>
    public async Task AssertIntactAsync(CrossTenantMatrixTests.Target target, string id)
    {
        switch (target)
        {
            case CrossTenantMatrixTests.Target.File or CrossTenantMatrixTests.Target.FreshFile:
                var (fileStatus, file) = await OwnerGetAsync($"/v1/files/{id}/content");
                Assert.True(fileStatus == 200, file);
                break;
            case CrossTenantMatrixTests.Target.Job or CrossTenantMatrixTests.Target.FreshJob:
                var (jobStatus, job) = await OwnerGetAsync($"/v1/fine_tuning/jobs/{id}");
                Assert.True(jobStatus == 200, job);
                Assert.NotEqual("cancelled", JsonDocument.Parse(job).RootElement.GetProperty("status").GetString());
                if (target == CrossTenantMatrixTests.Target.FreshJob)
                {
                    var (cancel, body) = await TenantCallers.SendAsync(Server, Caller.Owner, TenantCallers.Json(HttpMethod.Post, $"/v1/fine_tuning/jobs/{id}/cancel", "{}"));
                    Assert.True(cancel == 200, body);
                }
                break;
            case CrossTenantMatrixTests.Target.Model:
                var (predict, answer) = await TenantCallers.SendAsync(Server, Caller.Owner,
                    TenantCallers.Json(HttpMethod.Post, "/v1/predictions", $$"""{"model":"{{id}}","input":[[0.5,0.5]]}"""));
                Assert.True(predict == 200, answer);
                break;
        }
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
