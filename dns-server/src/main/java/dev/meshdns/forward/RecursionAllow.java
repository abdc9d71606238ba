package dev.meshdns.forward;

import dev.meshdns.vip.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Which clients may have names outside the zone forwarded ({@code --recursion-allow}): a client
 * outside every block gets REFUSED, so mesh-dns is never an open resolver. An IPv4 client is
 * checked without allocating (its address as an int). Immutable and thread-safe.
 */
public final class RecursionAllow {
    private final int[] networks4;
    private final int[] masks4;
    private final List<Cidr> blocks6;

    private RecursionAllow(int[] networks4, int[] masks4, List<Cidr> blocks6) {
        this.networks4 = networks4;
        this.masks4 = masks4;
        this.blocks6 = blocks6;
    }

    public static RecursionAllow of(List<Cidr> blocks) {
        List<Cidr> four = blocks.stream().filter(b -> b.network() instanceof Inet4Address).toList();
        int[] networks = new int[four.size()];
        int[] masks = new int[four.size()];
        for (int i = 0; i < four.size(); i++) {
            int prefix = four.get(i).prefixLength();
            masks[i] = prefix == 0 ? 0 : -1 << (32 - prefix);
            networks[i] = four.get(i).network().hashCode() & masks[i];
        }
        return new RecursionAllow(networks, masks,
                blocks.stream().filter(b -> !(b.network() instanceof Inet4Address)).toList());
    }

    public boolean allows(InetAddress client) {
        if (client instanceof Inet4Address) {
            int address = client.hashCode(); // Inet4Address's hash is its address
            for (int i = 0; i < networks4.length; i++) {
                if ((address & masks4[i]) == networks4[i]) {
                    return true;
                }
            }
            return false;
        }
        for (Cidr block : blocks6) {
            if (block.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
