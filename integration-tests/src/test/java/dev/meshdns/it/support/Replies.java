package dev.meshdns.it.support;

import java.net.InetAddress;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
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
