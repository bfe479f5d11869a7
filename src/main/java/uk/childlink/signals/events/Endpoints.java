package uk.childlink.signals.events;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which endpoints the server delivers notifications to: an absolute {@code https} URL (or {@code http}, for local
 * development, when allowed) whose host resolves only to public addresses, or to addresses in the ranges the operator
 * allowed. Checked when a subscription is made and again before every delivery (a name may resolve elsewhere by
 * then), so that the server is never a way to reach internal hosts.
 */
final class Endpoints {

	private final boolean allowHttp;
	private final List<Cidr> allowed;

	Endpoints(boolean allowHttp, List<String> allowedNetworks) {
		this.allowHttp = allowHttp;
		this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
	}

	/** Why the server will not deliver to the endpoint; empty when it will. */
	Optional<String> problem(String endpoint) {
		if (endpoint == null || endpoint.isBlank()) {
			return Optional.of("Subscription.channel.endpoint is missing: the https URL to deliver notifications to");
		}
		URI uri;
		try {
			uri = new URI(endpoint);
		} catch (URISyntaxException e) {
			return Optional.of("Subscription.channel.endpoint is not a URL: " + e.getMessage());
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
		if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
			return Optional.of("Subscription.channel.endpoint must be an https URL" + (allowHttp ? " (or http)" : "")
					+ "; it is " + (scheme.isEmpty() ? "a relative reference" : scheme));
		}
		if (uri.getHost() == null || uri.getUserInfo() != null) {
			return Optional.of("Subscription.channel.endpoint must name a host, without user information");
		}
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(uri.getHost());
		} catch (UnknownHostException e) {
			return Optional.of("Subscription.channel.endpoint's host " + uri.getHost() + " is not known");
		}
		for (InetAddress address : addresses) {
			if (internal(address) && allowed.stream().noneMatch(range -> range.contains(address))) {
				return Optional.of("Subscription.channel.endpoint's host " + uri.getHost() + " is at "
						+ address.getHostAddress() + ", an internal address this server does not deliver to (the "
						+ "operator allows ranges with childlink.signals.allowed-networks)");
			}
		}
		return Optional.empty();
	}

	private static boolean internal(InetAddress address) {
		byte[] bytes = address.getAddress();
		boolean uniqueLocalV6 = bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
		boolean sharedV4 = bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // 100.64/10
		return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
				|| address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocalV6 || sharedV4;
	}

	/** An address range: {@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code fd00::/8}. */
	record Cidr(byte[] network, int bits) {

		static Cidr parse(String text) {
			String[] parts = text.trim().split("/");
			try {
				byte[] network = InetAddress.getByName(parts[0]).getAddress();
				int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
				if (parts.length > 2 || bits < 0 || bits > network.length * 8 || !parts[0].matches("[0-9a-fA-F:.]+")) {
					throw new IllegalArgumentException();
				}
				return new Cidr(network, bits);
			} catch (UnknownHostException | IllegalArgumentException e) {
				throw new IllegalStateException("childlink.signals.allowed-networks: " + text
						+ " is not an address range (such as 10.20.0.0/16)");
			}
		}

		boolean contains(InetAddress address) {
			byte[] bytes = address.getAddress();
			if (bytes.length != network.length) {
				return false;
			}
			for (int i = 0; i < bits; i++) {
				int mask = 0x80 >> (i % 8);
				if ((bytes[i / 8] & mask) != (network[i / 8] & mask)) {
					return false;
				}
			}
			return true;
		}
	}
}
