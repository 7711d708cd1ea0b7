using System.Net.Sockets;
using System.Text;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>
/// A client that writes its whole oversized body before reading (Python's http.client does) reads the 413: the
/// server drains the body (up to a bound) instead of closing a socket with unread data, which resets the
/// connection and loses the answer.
/// </summary>
public sealed class OversizedBodyTests
{
    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/fine_tuning/jobs")]
    [InlineData("/tokenize")]
    public async Task ClientThatSendsSixtyFourMebibytesFirstReadsThe413(string route)
    {
        await using var server = await OpsServer.StartAsync();
        var response = await SendWholeThenReadAsync(server.BaseAddress, route, 64 * 1024 * 1024);
        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains("request_too_large", response, StringComparison.Ordinal);
        Assert.Contains("Connection: close", response, StringComparison.OrdinalIgnoreCase);

        // A body under the cap is still read whole, and the server still serves.
        using var under = await Chat.PostAsync(server.Http, Chat.Body(content: string.Concat(Enumerable.Repeat("word ", 600_000)), maxTokens: 1));
        await Chat.ErrorAsync(under, 400, "context_length_exceeded");
        Assert.Equal(200, (int)(await server.Http.GetAsync("/v1/models")).StatusCode);
    }

    // Writes the headers and the whole body, as a naive client does, and only then reads the answer to its end.
    private static async Task<string> SendWholeThenReadAsync(Uri server, string route, int bodyBytes)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var head = $"POST {route} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var prefix = Encoding.ASCII.GetBytes("""{"model":"demo","content":" """);
        var block = new byte[1024 * 1024];
        Array.Fill(block, (byte)'a');
        prefix.CopyTo(block, 0);
        var sent = 0;
        try
        {
            while (sent < bodyBytes)
            {
                var count = Math.Min(block.Length, bodyBytes - sent);
                await stream.WriteAsync(block.AsMemory(0, count));
                sent += count;
                if (sent == block.Length) Array.Fill(block, (byte)'a');
            }
        }
        catch (IOException ex)
        {
            Assert.Fail($"The server broke the connection after {sent} of {bodyBytes} bytes: {ex.Message}");
        }

        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, reading.Token);
        return Encoding.UTF8.GetString(answer.ToArray());
    }
}
