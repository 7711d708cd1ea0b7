using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Llm.Api.Hosting;

/// <summary>Turns an exception thrown while the server starts into the one line <c>llm</c> prints before exiting with 1.</summary>
public static class StartupFailure
{
    /// <summary>A one-line description of <paramref name="exception"/>, naming the host and port for a failed bind.</summary>
    public static string Describe(Exception exception, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(options);
        var where = $"port {options.Port} on {options.Host}";
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException) return $"{where} is already in use (choose another with --port, or stop the process that holds it).";
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => $"{where} is already in use (choose another with --port, or stop the process that holds it).",
                    SocketError.AccessDenied => $"permission denied to listen on {where} (ports below 1024 need privileges; choose another with --port).",
                    SocketError.AddressNotAvailable => $"cannot listen on {where}: this machine has no such address (check --host).",
                    _ => $"cannot listen on {where}: {OneLine(socket.Message)}",
                };
            }
            if (e is UnauthorizedAccessException) return $"permission denied to listen on {where}: {OneLine(e.Message)}";
        }
        var root = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return $"failed to start: {OneLine(root.Message)}";
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
