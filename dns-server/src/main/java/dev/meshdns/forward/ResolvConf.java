package dev.meshdns.forward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The upstreams a resolv.conf names: its {@code nameserver} lines in order, IPv4 and IPv6
 * literals on port 53, without mesh-dns's own listen address (pointing mesh-dns at the pod's
 * resolv.conf, which names mesh-dns itself, must not loop). Other lines and unusable addresses are
 * ignored, as the libc resolver does. Stateless.
 */
public final class ResolvConf {
    static final int PORT = 53;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ResolvConf() {
    }

    /** Reads and parses the file; see {@link #parse}. */
    public static List<InetSocketAddress> read(Path file, InetSocketAddress ownListen) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), ownListen);
    }

    /**
     * The nameservers of a resolv.conf text in file order, duplicates and {@code ownListen} left
     * out. A wildcard {@code ownListen} (0.0.0.0, ::) stands for every local address on its port.
     */
    public static List<InetSocketAddress> parse(String text, InetSocketAddress ownListen) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 2 || !fields[0].equals("nameserver")) {
                continue;
            }
            InetAddress address = literal(fields[1]);
            if (address == null) {
                continue;
            }
            InetSocketAddress server = new InetSocketAddress(address, PORT);
            if (!servers.contains(server) && !isOwn(server, ownListen)) {
                servers.add(server);
            }
        }
        return List.copyOf(servers);
    }

    /** The address of an IP literal, or null: a host name is never looked up. */
    static InetAddress literal(String text) {
        if (!IPV4.matcher(text).matches() && !text.contains(":")) {
            return null;
        }
        try {
            // With a digit-and-dot or a colon form, getByName parses the literal and never asks DNS.
            return InetAddress.getByName(text);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private static boolean isOwn(InetSocketAddress server, InetSocketAddress ownListen) {
        if (ownListen == null || ownListen.getPort() != server.getPort()) {
            return false;
        }
        InetAddress own = ownListen.getAddress();
        InetAddress address = server.getAddress();
        if (own.equals(address)) {
            return true;
        }
        return own.isAnyLocalAddress() && isLocal(address);
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
