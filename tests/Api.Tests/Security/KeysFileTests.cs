using Llm.Api.Hosting;
using Llm.Api.Security;
using Llm.Api.Tenancy;
using Llm.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Llm.Api.Tests.Security;

/// <summary>The keys file: the one-key-a-line format as before, tenants and admin marks, and a clear start-up error for every kind of bad line.</summary>
public sealed class KeysFileTests : IDisposable
{
    private const string Secret = "SECRET-abc123";
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-keys-file-").FullName;

    [Fact]
    public void TheOldFormatStillWorksAndEachKeyIsItsOwnNonAdminTenant()
    {
        var store = Store("# team keys\n\nsk-one\n   sk-two   \n#sk-commented\n");
        Assert.True(store.TryMatch("sk-one", out var oneId, out var one));
        Assert.True(store.TryMatch("sk-two", out var twoId, out var two));
        Assert.False(store.TryMatch("#sk-commented", out _, out _));
        Assert.Equal(oneId, one.Id);
        Assert.Equal(twoId, two.Id);
        Assert.NotEqual(one.Id, two.Id);
        Assert.False(one.IsAdmin || two.IsAdmin);
        Assert.True(TenantName.IsValid(one.Id));
    }

    [Fact]
    public void NamedTenantsShareDataAcrossKeysAndAdminKeysAreMarked()
    {
        var store = Store("""
            sk-alice-1 tenant=alice
            sk-alice-2    tenant=alice   # the CI key
            sk-bob tenant=bob.team_2
            sk-ops tenant=ops admin
            sk-root admin
            sk-plain
            """);
        Assert.True(store.TryMatch("sk-alice-1", out var key1, out var a1));
        Assert.True(store.TryMatch("sk-alice-2", out var key2, out var a2));
        Assert.Equal(new Tenant("alice", false), a1);
        Assert.Equal(a1, a2);
        Assert.NotEqual(key1, key2);
        Assert.True(store.TryMatch("sk-bob", out _, out var bob));
        Assert.Equal(new Tenant("bob.team_2", false), bob);
        Assert.True(store.TryMatch("sk-ops", out _, out var ops));
        Assert.Equal(new Tenant("ops", true), ops);
        Assert.True(store.TryMatch("sk-root", out var rootId, out var root));
        Assert.Equal(new Tenant(rootId, true), root);
        Assert.True(store.TryMatch("sk-plain", out var plainId, out var plain));
        Assert.Equal(new Tenant(plainId, false), plain);
        Assert.False(store.TryMatch("sk-alice-1 tenant=alice", out _, out _));
        Assert.Equal(5, store.Tenants.Count);
    }

    [Fact]
    public void FlagKeysAndAdminKeysJoinTheFileAndARepeatedKeyMustAgree()
    {
        var file = KeysFile("sk-a tenant=alice\nsk-a tenant=alice\n");
        var store = new ApiKeyStore(new ServerOptions { ApiKeys = ["sk-flag"], AdminKeys = ["sk-admin"], ApiKeysFile = file });
        Assert.True(store.TryMatch("sk-admin", out _, out var admin) && admin.IsAdmin);
        Assert.True(store.TryMatch("sk-flag", out _, out var flag) && !flag.IsAdmin);
        Assert.True(store.TryMatch("sk-a", out _, out var alice) && alice.Id == "alice");

        var clash = Assert.Throws<ArgumentException>(() => new ApiKeyStore(new ServerOptions { ApiKeys = [Secret], ApiKeysFile = KeysFile($"{Secret} tenant=alice\n") }));
        Assert.Contains("line 1", clash.Message);
        Assert.DoesNotContain(Secret, clash.Message);
    }

    public static TheoryData<string, string> BadLines() => new()
    {
        { $"{Secret} tenant=", "must not be empty" },
        { $"{Secret} tenant=../etc", "only letters, digits" },
        { $"{Secret} tenant=a/b", "only letters, digits" },
        { $"{Secret} tenant=caf\u00e9", "only letters, digits" },
        { $"{Secret} tenant=.hidden", "starts with a letter or a digit" },
        { $"{Secret} tenant=-x", "starts with a letter or a digit" },
        { $"{Secret} tenant={new string('t', 65)}", "at most 64" },
        { $"{Secret} tenant=a tenant=b", "given twice" },
        { $"{Secret} tenant=key-1234abcd", "kept for keys without a tenant" },
        { $"{Secret} tenant=Anonymous", "kept for callers without a key" },
        { $"{Secret} admn", "neither" },
        { $"{Secret} alice", "neither" },
        { "SECRET abc123", "Keys cannot contain spaces" },
        { $"{Secret} tenant=alice\n{Secret} tenant=bob", "already given" },
        { $"{Secret} tenant=alice\n{Secret} tenant=alice admin", "already given" },
        { $"sk-1 tenant=Alice\n{Secret} tenant=alice", "only in case" },
        { "tenant=alice", "where the key belongs" },
        { "tenant=alice admin", "where the key belongs" },
        { "admin", "where the key belongs" },
        { "Admin tenant=ops", "where the key belongs" },
        { "TENANT=alice", "where the key belongs" },
        { $"{Secret} admin admin", "'admin' is given twice" },
        { $"{Secret} admin tenant=ops admin", "'admin' is given twice" },
        { $"{Secret} tenant=ops admin tenant=ops", "given twice" },
        { $"{Secret} ADMIN", "neither" },
        { $"{Secret} tenant=ops tenants=ops", "neither" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void EveryKindOfBadLineStopsStartUpNamingTheLineButNotTheKey(string lines, string problem)
    {
        var text = "# keys\n\n" + lines + "\n";
        var error = Assert.Throws<ArgumentException>(() => Store(text));
        Assert.Contains(problem, error.Message);
        var badLine = 2 + lines.Split('\n').Length;
        Assert.Contains($"line {badLine}", error.Message);
        Assert.Contains("keys.txt", error.Message);
        Assert.DoesNotContain("abc123", error.Message);
    }

    [Fact]
    public void AFileWithoutKeysOrUnreadableStopsStartUp()
    {
        Assert.Contains("holds no key", Assert.Throws<ArgumentException>(() => Store("# nothing\n\n   # here\n")).Message);
        Assert.Contains("cannot be read", Assert.Throws<ArgumentException>(() => new ApiKeyStore(new ServerOptions { ApiKeysFile = Path.Combine(_folder, "missing.txt") })).Message);
    }

    [Fact]
    public async Task TheServerProcessExitsWithTheLineAtStartUp()
    {
        var file = KeysFile($"sk-fine tenant=alice\n{Secret} tenant=bad/name\n");
        using var server = ServerProcess.Start("--port", "0", "--load-mode", "first-use", "--model", "x=" + Path.Combine(_folder, "none.gguf"),
            "--data-dir", Path.Combine(_folder, "data"), "--api-keys-file", file);
        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("keys.txt' line 2: a tenant name holds only letters", server.Output);
        Assert.DoesNotContain("abc123", server.Output);
    }

    [Theory]
    [InlineData("--admin-key", "")]
    [InlineData("--tenant-max-bytes", "-1")]
    [InlineData("--tenant-max-files", "-1")]
    [InlineData("--tenant-max-active-jobs", "-1")]
    public void BadTenantSettingsAreRefused(string flag, string value)
    {
        var options = new ServerOptions();
        Assert.Null(options.Validate());
        var key = CommandLine.Parse([flag, value])!.Single().Key;
        var bound = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(CommandLine.Parse([flag, value])).Build()
            .GetSection(ServerOptions.Section).Get<ServerOptions>()!;
        Assert.StartsWith(ServerOptions.Section + ":", key);
        Assert.NotNull(bound.Validate());
    }

    [Fact]
    public void TenantFlagsParse()
    {
        var parsed = CommandLine.Parse(["--tenant-max-bytes", "5000000000", "--tenant-max-files", "3", "--tenant-max-active-jobs", "0", "--admin-key", "a", "--admin-key", "b"])!;
        var options = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(parsed).Build().GetSection(ServerOptions.Section).Get<ServerOptions>()!;
        Assert.Equal(5_000_000_000, options.TenantMaxStoredBytes);
        Assert.Equal(3, options.TenantMaxFiles);
        Assert.Equal(0, options.TenantMaxActiveJobs);
        Assert.Equal(["a", "b"], options.AdminKeys);
        Assert.Throws<ArgumentException>(() => CommandLine.Parse(["--tenant-max-files", "5000000000"]));
        Assert.Throws<ArgumentException>(() => CommandLine.Parse(["--tenant-max-bytes", "lots"]));
        var defaults = new ServerOptions();
        Assert.Equal((1L << 30, 100, 4), (defaults.TenantMaxStoredBytes, defaults.TenantMaxFiles, defaults.TenantMaxActiveJobs));
    }

    private ApiKeyStore Store(string text) => new(new ServerOptions { ApiKeysFile = KeysFile(text) });

    private string KeysFile(string text)
    {
        var path = Path.Combine(_folder, "keys.txt");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
