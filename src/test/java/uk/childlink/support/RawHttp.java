package uk.childlink.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what a FHIR client library will not send: a raw {@code |} in the query string
 * (as curl users type it), malformed bodies, odd headers. Sends exactly the bytes given.
 */
public final class RawHttp {

	private final String host;
	private final int port;
	private final String authorization;

	RawHttp(String host, int port) {
		this(host, port, null);
	}

	private RawHttp(String host, int port, String authorization) {
		this.host = host;
		this.port = port;
		this.authorization = authorization;
	}

	/** The same, sending {@code Authorization: Bearer token} with every request (unless a request sets its own). */
	public RawHttp withToken(String token) {
		return new RawHttp(host, port, "Bearer " + token);
	}

	public Response get(String pathAndQuery) {
		return get(pathAndQuery, "application/fhir+json");
	}

	public Response get(String pathAndQuery, String accept) {
		return send("GET", pathAndQuery, Map.of("Accept", accept), null);
	}

	public Response send(String method, String pathAndQuery, Map<String, String> headers, String body) {
		return sendBytes(method, pathAndQuery, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
	}

	/** As {@link #send(String, String, Map, String)}, with a body of raw bytes (gzip, say). */
	public Response sendBytes(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
		byte[] bytes = body == null ? new byte[0] : body;
		StringBuilder request = new StringBuilder()
				.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n")
				.append("Host: ").append(host).append(':').append(port).append("\r\n")
				.append("Connection: close\r\n");
		if (authorization != null && headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
			request.append("Authorization: ").append(authorization).append("\r\n");
		}
		headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
		if (body != null) {
			request.append("Content-Length: ").append(bytes.length).append("\r\n");
		}
		request.append("\r\n");
		try (Socket socket = new Socket(host, port)) {
			socket.setSoTimeout(60_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.write(bytes);
			out.flush();
			if (body == null && headers.containsKey("Content-Length")) {
				socket.shutdownOutput(); // a declared body that never comes: the server must answer without it
			}
			return Response.parse(socket.getInputStream());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** A parsed response; chunked bodies are de-chunked. Header names are lower case. */
	public record Response(int status, Map<String, String> headers, String body) {

		static Response parse(InputStream in) throws IOException {
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			in.transferTo(all);
			byte[] raw = all.toByteArray();
			String text = new String(raw, StandardCharsets.ISO_8859_1);
			int headerEnd = text.indexOf("\r\n\r\n");
			if (headerEnd < 0) { // closed before a whole head came (a server starting or stopping): no response
				throw new java.io.EOFException("no HTTP response, " + raw.length + " bytes before the connection closed");
			}
			String[] lines = text.substring(0, headerEnd).split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ")[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
			}
			byte[] body = java.util.Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
			if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
				body = dechunk(body);
			}
			return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
		}

		private static byte[] dechunk(byte[] body) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int pos = 0;
			while (pos < body.length) {
				int lineEnd = indexOfCrlf(body, pos);
				int size = Integer.parseInt(new String(body, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
				if (size == 0) {
					break;
				}
				out.write(body, lineEnd + 2, size);
				pos = lineEnd + 2 + size + 2;
			}
			return out.toByteArray();
		}

		private static int indexOfCrlf(byte[] b, int from) {
			for (int i = from; i < b.length - 1; i++) {
				if (b[i] == '\r' && b[i + 1] == '\n') {
					return i;
				}
			}
			throw new IllegalStateException("malformed chunked body");
		}
	}
}
