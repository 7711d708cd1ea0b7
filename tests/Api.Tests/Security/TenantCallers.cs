using System.Net.Http.Headers;
using System.Text;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>Who calls in the tenant tests: two keys of tenant alice (the owner), one of bob, one admin key of tenant ops.</summary>
public enum Caller
{
    Owner,
    OwnerOtherKey,
    OtherTenant,
    Admin,
}

/// <summary>The keys file and clients for <see cref="Caller"/>s, and raw requests that keep the body as text.</summary>
internal static class TenantCallers
{
    public static readonly Caller[] All = [Caller.Owner, Caller.OwnerOtherKey, Caller.OtherTenant, Caller.Admin];

    public static string Key(Caller caller) => caller switch
    {
        Caller.Owner => "sk-alice-laptop",
        Caller.OwnerOtherKey => "sk-alice-ci",
        Caller.OtherTenant => "sk-bob",
        _ => "sk-ops",
    };

    public static string TenantOf(Caller caller) => caller switch
    {
        Caller.Owner or Caller.OwnerOtherKey => "alice",
        Caller.OtherTenant => "bob",
        _ => "ops",
    };

    /// <summary>Whether <paramref name="viewer"/> sees what <paramref name="creator"/> stored: same tenant, or an admin.</summary>
    public static bool Sees(Caller viewer, Caller creator) => viewer == Caller.Admin || TenantOf(viewer) == TenantOf(creator);

    /// <summary>Writes the keys file in the new format (with a comment and a blank line) and returns its path.</summary>
    public static string WriteKeysFile(string folder)
    {
        var path = Path.Combine(folder, "keys.txt");
        File.WriteAllText(path, $"""
            # tenants of the test server
            {Key(Caller.Owner)}   tenant=alice
            {Key(Caller.OwnerOtherKey)} tenant=alice   # CI

            {Key(Caller.OtherTenant)} tenant=bob
            {Key(Caller.Admin)} tenant=ops admin
            """);
        return path;
    }

    /// <summary>Starts a server with the tenants' keys file and <paramref name="args"/>.</summary>
    public static async Task<OpsServer> StartServerAsync(params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("llm-tenant-keys-").FullName;
        try
        {
            // The keys are read (and hashed) while the server is built.
            return await OpsServer.StartAsync(false, [.. args, "--api-keys-file", WriteKeysFile(folder)]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static FineTuningClient Client(OpsServer server, Caller caller) => new(server.Client(Key(caller)));

    /// <summary>Sends a request as <paramref name="caller"/>; the answer's status and body text.</summary>
    public static async Task<(int Status, string Body)> SendAsync(OpsServer server, Caller caller, HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key(caller));
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static HttpRequestMessage Json(HttpMethod method, string path, string json) =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpRequestMessage Upload(string fileName, string content)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        form.Add(new StringContent("fine-tune"), "purpose");
        return new HttpRequestMessage(HttpMethod.Post, "/v1/files") { Content = form };
    }
}
