package dev.meshdns.core;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** One fact per line about a DNS reply; records compared as zone-file text. */
final class MessageAssert extends AbstractAssert<MessageAssert, Message> {

    private MessageAssert(Message actual) {
        super(actual, MessageAssert.class);
    }

    static MessageAssert assertThatReply(byte[] wire) {
        try {
            return new MessageAssert(new Message(wire));
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e.getMessage(), e);
        }
    }

    MessageAssert hasRcode(int rcode) {
        Assertions.assertThat(Rcode.string(actual.getRcode())).as("rcode").isEqualTo(Rcode.string(rcode));
        return this;
    }

    MessageAssert isAuthoritative() {
        Assertions.assertThat(actual.getHeader().getFlag(Flags.AA)).as("AA").isTrue();
        return this;
    }

    MessageAssert isNotAuthoritative() {
        Assertions.assertThat(actual.getHeader().getFlag(Flags.AA)).as("AA").isFalse();
        return this;
    }

    MessageAssert isTruncated(boolean truncated) {
        Assertions.assertThat(actual.getHeader().getFlag(Flags.TC)).as("TC").isEqualTo(truncated);
        return this;
    }

    MessageAssert hasAnswer(String... records) {
        Assertions.assertThat(texts(Section.ANSWER)).as("answer").containsExactlyInAnyOrder(records);
        return this;
    }

    MessageAssert hasNoAnswer() {
        Assertions.assertThat(texts(Section.ANSWER)).as("answer").isEmpty();
        return this;
    }

    MessageAssert hasAuthority(String... records) {
        Assertions.assertThat(texts(Section.AUTHORITY)).as("authority").containsExactly(records);
        return this;
    }

    /** The one SOA of the authority section has this owner and TTL (serial varies). */
    MessageAssert hasSoaInAuthority(String owner, long ttl) {
        List<Record> authority = actual.getSection(Section.AUTHORITY);
        Assertions.assertThat(authority).as("authority").hasSize(1);
        Assertions.assertThat(authority.get(0).getName().toString()).as("SOA owner").isEqualTo(owner);
        Assertions.assertThat(authority.get(0).getTTL()).as("SOA TTL").isEqualTo(ttl);
        return this;
    }

    MessageAssert hasNoOpt() {
        Assertions.assertThat(actual.getOPT()).as("OPT").isNull();
        return this;
    }

    MessageAssert hasOpt(int payload, boolean dnssecOk) {
        OPTRecord opt = actual.getOPT();
        Assertions.assertThat(opt).as("OPT").isNotNull();
        Assertions.assertThat(actual.getSection(Section.ADDITIONAL).stream().filter(r -> r instanceof OPTRecord))
                .as("OPT records").hasSize(1);
        Assertions.assertThat(opt.getPayloadSize()).as("payload").isEqualTo(payload);
        Assertions.assertThat(opt.getVersion()).as("version").isZero();
        Assertions.assertThat((opt.getFlags() & 0x8000) != 0).as("DO").isEqualTo(dnssecOk);
        return this;
    }

    private List<String> texts(int section) {
        return actual.getSection(section).stream()
                .map(r -> Arrays.stream(r.toString().split("\\s+")).collect(Collectors.joining(" ")))
                .collect(Collectors.toList());
    }
}
