using System.Net;
using System.Net.Sockets;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Hosting;

/// <summary>
/// Every way Kestrel can fail to start listening is a start-up failure like a bad flag: one line on stderr naming
/// the address, exit code 1, no stack trace.
/// </summary>
public sealed class StartupBindTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-bind-tests-").FullName;

    [Fact]
    public async Task PortAlreadyInUseIsOneLineAndExitOne()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        using var server = ServerProcess.Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cache-dir", _folder, "--load-mode", "first-use");
        Assert.Equal(1, await server.WaitForExitAsync(Timeout));
        AssertOneLineFailure(server.Output, $"llm: port {port} on 127.0.0.1 is already in use");
    }

    [Fact]
    public async Task AddressThisMachineDoesNotHaveIsOneLineAndExitOne()
    {
        // 192.0.2.0/24 is TEST-NET-1: documentation only, never assigned to an interface.
        using var server = ServerProcess.Start("--host", "192.0.2.1", "--port", "0", "--cache-dir", _folder, "--load-mode", "first-use");
        Assert.Equal(1, await server.WaitForExitAsync(Timeout));
        AssertOneLineFailure(server.Output, "llm: cannot listen on port 0 on 192.0.2.1: this machine has no such address");
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("example.com")]
    public async Task HostThatIsNotAnAddressIsAUsageError(string host)
    {
        using var server = ServerProcess.Start("--host", host, "--port", "0", "--cache-dir", _folder, "--load-mode", "first-use");
        Assert.Equal(2, await server.WaitForExitAsync(Timeout));
        AssertOneLineFailure(server.Output, $"llm: --host must be an IP address, 'localhost', or '*' for every interface (got '{host}').");
    }

    // Permission denied cannot be provoked by a test running as root; each kind of failure is mapped here instead.
    [Theory]
    [InlineData(SocketError.AddressAlreadyInUse, "port 8080 on 0.0.0.0 is already in use")]
    [InlineData(SocketError.AccessDenied, "permission denied to listen on port 8080 on 0.0.0.0 (ports below 1024 need privileges")]
    [InlineData(SocketError.AddressNotAvailable, "cannot listen on port 8080 on 0.0.0.0: this machine has no such address")]
    [InlineData(SocketError.NetworkDown, "cannot listen on port 8080 on 0.0.0.0: ")]
    public void EachBindFailureIsOneLineNamingTheAddress(SocketError error, string starts)
    {
        var options = new Llm.Api.Hosting.ServerOptions { Host = "0.0.0.0", Port = 8080 };
        var wrapped = new IOException("Failed to bind to address http://0.0.0.0:8080.", new SocketException((int)error));
        var line = Llm.Api.Hosting.StartupFailure.Describe(wrapped, options);
        Assert.StartsWith(starts, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("failed to start: boom", Llm.Api.Hosting.StartupFailure.Describe(new InvalidOperationException("boom\n  at x"), options), StringComparison.Ordinal);
    }

    private static void AssertOneLineFailure(string output, string starts)
    {
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var failure = Assert.Single(lines, l => l.StartsWith("llm: ", StringComparison.Ordinal));
        Assert.StartsWith(starts, failure, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
