package dev.meshdns.it.support;

import java.net.InetAddress;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Reading facts out of replies (raw or parsed) that tests compare against. Stateless. */
public final class Replies {
    private Replies() {
    }

    /** The address of the single A record of a NOERROR reply. */
    public static String vipOf(Message reply) {
        Assertions.assertThat(reply.getRcode()).as("rcode of%n%s", reply).isEqualTo(Rcode.NOERROR);
        List<Record> answer = reply.getSection(Section.ANSWER);
        Assertions.assertThat(answer).as("answer of%n%s", reply).hasSize(1).first().isInstanceOf(ARecord.class);
        return ((ARecord) answer.get(0)).getAddress().getHostAddress();
    }

    /** The 16 address bytes of the single AAAA record of a NOERROR reply (IPv4-mapped ones included). */
    public static byte[] ipv6Of(Message reply) {
        Assertions.assertThat(reply.getRcode()).as("rcode of%n%s", reply).isEqualTo(Rcode.NOERROR);
        List<Record> answer = reply.getSection(Section.ANSWER);
        Assertions.assertThat(answer).as("answer of%n%s", reply).hasSize(1).first().isInstanceOf(AAAARecord.class);
        return answer.get(0).rdataToWireCanonical();
    }

    /** {@code ::ffff:a.b.c.d} as 16 bytes. */
    public static byte[] ipv4Mapped(String ipv4) {
        try {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, mapped, 12, 4);
            return mapped;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 literal: " + ipv4, e);
        }
    }

    /** 16 address bytes as nibbles under ip6.arpa: {@code fd00::7} -> {@code 7.0.0.0...0.0.d.f.ip6.arpa.} */
    public static String reverseName6(byte[] ipv6) {
        StringBuilder name = new StringBuilder();
        for (int i = ipv6.length - 1; i >= 0; i--) {
            name.append(Character.forDigit(ipv6[i] & 0x0f, 16)).append('.')
                    .append(Character.forDigit((ipv6[i] >>> 4) & 0x0f, 16)).append('.');
        }
        return name.append("ip6.arpa.").toString();
    }

    /** The Extended DNS Errors (RFC 8914, option 15) in the reply's OPT; empty without an OPT. */
    public static List<ExtendedErrorCodeOption> extendedErrors(Message reply) {
        OPTRecord opt = reply.getOPT();
        if (opt == null) {
            return List.of();
        }
        return opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR).stream()
                .map(ExtendedErrorCodeOption.class::cast)
                .collect(java.util.stream.Collectors.toList());
    }

    /** {@code 240.1.2.3} -> {@code 3.2.1.240.in-addr.arpa.} */
    public static String reverseName(String ipv4) {
        String[] octets = ipv4.split("\\.");
        return octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0] + ".in-addr.arpa.";
    }

    public static boolean isInPool(String ipv4) throws java.net.UnknownHostException {
        byte[] address = InetAddress.getByName(ipv4).getAddress();
        return (address[0] & 0xf0) == 0xf0;
    }

    public static int id(byte[] wire) {
        return ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
    }

    /** The 4-bit header rcode. */
    public static int headerRcode(byte[] wire) {
        return wire[3] & 0x0f;
    }

    public static int opcode(byte[] wire) {
        return (wire[2] >>> 3) & 0x0f;
    }

    public static boolean qr(byte[] wire) {
        return (wire[2] & 0x80) != 0;
    }
}
