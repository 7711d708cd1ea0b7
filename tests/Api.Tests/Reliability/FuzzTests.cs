using System.Net.Sockets;
using System.Text;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Tests.Reliability;

/// <summary>
/// Generated malformed and hostile requests (wrong types, huge numbers, deep nesting, invalid UTF-8, huge headers,
/// truncated bodies): never a 5xx, never a crash, and the server still answers correctly afterwards.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] Paths = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/tokenize", "/detokenize", "/apply-template", "/v1/fine_tuning/jobs", "/v1/predictions"];

    [Fact]
    public async Task AThousandHostileRequestsGetNo5xxAndTheServerStillWorks()
    {
        await using var server = await OpsServer.StartAsync("--max-queue", "256");
        var random = new Random(1234);
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 1000; i++)
        {
            var path = Paths[random.Next(Paths.Length)];
            var body = Body(random, i);
            int status;
            if (i % 50 == 7) status = await TruncatedAsync(server.BaseAddress, path, body);
            else
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", i % 13 == 0 ? "text/plain" : "application/json");
                if (i % 97 == 0) request.Headers.TryAddWithoutValidation("X-Huge", new string('h', 40_000));
                if (i % 89 == 0) request.Headers.TryAddWithoutValidation("X-Request-Id", new string('x', 5000));
                try
                {
                    using var response = await server.Http.SendAsync(request);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0; // Kestrel may close the connection on a header it refuses; that is not a 5xx
                }
            }
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status < 500, $"request {i} to {path} got {status}: {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)])}");
        }

        using var after = await Chat.PostAsync(server.Http, Chat.Body());
        Assert.Equal(DemoModel.ChatReply, (await Chat.JsonAsync(after)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.True(statuses.Keys.Count(s => s >= 400) >= 2, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
    }

    private static byte[] Body(Random random, int i)
    {
        string Valid() => """{"model":"demo","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""";
        var kind = i % 12;
        return kind switch
        {
            0 => Encoding.UTF8.GetBytes($$"""{"model":"demo","messages":{{Pick(random, "1", "\"x\"", "{}", "null", "[1,2]", "[{\"role\":5}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]")}}}"""),
            1 => Encoding.UTF8.GetBytes($$"""{"model":"demo","messages":[{"role":"user","content":"hi"}],"{{Pick(random, "max_tokens", "n", "temperature", "top_p", "logprobs", "top_logprobs", "seed", "stop", "logit_bias", "stream")}}":{{Pick(random, "1e308", "-1e308", "99999999999999999999999", "-5", "\"12\"", "true", "[]", "{\"a\":1}", "NaN", "0.0000001", "2147483648")}}}"""),
            2 => Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)),
            3 => Encoding.UTF8.GetBytes("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":" + new string('[', 2000) + new string(']', 2000) + "}]}"),
            4 => [.. "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}]}"u8.ToArray()],
            5 => Encoding.UTF8.GetBytes(Valid()[..random.Next(1, Valid().Length)]),
            6 => RandomBytes(random, random.Next(1, 2000)),
            7 => Encoding.UTF8.GetBytes($$"""{"model":{{Pick(random, "1", "null", "\"\"", "\"../../etc/passwd\"", "\"" + new string('m', 5000) + "\"", "[\"demo\"]")}},"messages":[{"role":"user","content":"hi"}]}"""),
            8 => Encoding.UTF8.GetBytes($$"""{"model":"demo","prompt":{{Pick(random, "[[-1]]", "[99999999]", "[[]]", "[\"a\",1]", "{}", "\"\"", "[1.5]")}},"input":{{Pick(random, "[[-1]]", "[]", "1", "[\"\"]")}},"tokens":{{Pick(random, "[-1]", "[1e10]", "\"x\"")}}}"""),
            9 => Encoding.UTF8.GetBytes("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":" + Pick(random, "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/a\"}}}", "{\"type\":5}", "{\"pattern\":\"(((\"}", "{\"enum\":[]}") + "}}}"),
            10 => Encoding.UTF8.GetBytes("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":" + Pick(random, "1", "\"\"", "\"f\",\"parameters\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}", "\"f\",\"parameters\":7") + "}}],\"tool_choice\":" + Pick(random, "\"required\"", "{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}", "5") + "}"),
            _ => Encoding.UTF8.GetBytes("{\"training_file\":" + Pick(random, "5", "\"file-nope\"", "null") + ",\"model\":" + Pick(random, "\"demo\"", "7") + ",\"hyperparameters\":{\"n_epochs\":" + Pick(random, "-1", "1e20", "\"auto\"", "[]") + "}}"),
        };
    }

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    // Announces the full length, sends half and closes: the server must not answer 5xx (usually it answers nothing).
    private static async Task<int> TruncatedAsync(Uri address, string path, byte[] body)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", address.Port);
        var stream = client.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length + 100}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
        client.Client.Shutdown(SocketShutdown.Send);
        var buffer = new byte[512];
        int read;
        try
        {
            read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (IOException)
        {
            return 0; // the server reset the connection: the body never completed
        }
        if (read == 0) return 0;
        var line = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        return int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
