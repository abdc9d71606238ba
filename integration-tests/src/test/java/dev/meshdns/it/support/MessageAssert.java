package dev.meshdns.it.support;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * AssertJ assertions on a parsed DNS reply, one fact per call. Records are written as zone-file
 * text ({@code "web.mesh. 30 IN A 240.0.0.7"}) and compared case-insensitively, TTL included.
 */
public final class MessageAssert extends AbstractAssert<MessageAssert, Message> {

    private MessageAssert(Message actual) {
        super(actual, MessageAssert.class);
    }

    public static MessageAssert assertThat(Message reply) {
        return new MessageAssert(reply);
    }

    /** The full rcode (header rcode combined with the OPT extended rcode). */
    public MessageAssert hasRcode(int rcode) {
        isNotNull();
        if (actual.getRcode() != rcode) {
            failWithMessage("expected rcode %s but was %s in%n%s", Rcode.string(rcode), Rcode.string(actual.getRcode()), actual);
        }
        return this;
    }

    public MessageAssert hasId(int id) {
        isNotNull();
        if (actual.getHeader().getID() != id) {
            failWithMessage("expected ID %d but was %d", id, actual.getHeader().getID());
        }
        return this;
    }

    public MessageAssert hasOpcode(int opcode) {
        isNotNull();
        if (actual.getHeader().getOpcode() != opcode) {
            failWithMessage("expected opcode %s but was %s", Opcode.string(opcode), Opcode.string(actual.getHeader().getOpcode()));
        }
        return this;
    }

    public MessageAssert isResponse() {
        return hasFlag(Flags.QR, true);
    }

    public MessageAssert isAuthoritative() {
        return hasFlag(Flags.AA, true);
    }

    public MessageAssert isNotAuthoritative() {
        return hasFlag(Flags.AA, false);
    }

    public MessageAssert hasRecursionDesired() {
        return hasFlag(Flags.RD, true);
    }

    public MessageAssert hasNoRecursionDesired() {
        return hasFlag(Flags.RD, false);
    }

    public MessageAssert hasRecursionAvailable() {
        return hasFlag(Flags.RA, true);
    }

    public MessageAssert hasNoRecursionAvailable() {
        return hasFlag(Flags.RA, false);
    }

    public MessageAssert isTruncated() {
        return hasFlag(Flags.TC, true);
    }

    public MessageAssert isNotTruncated() {
        return hasFlag(Flags.TC, false);
    }

    private MessageAssert hasFlag(int flag, boolean set) {
        isNotNull();
        if (actual.getHeader().getFlag(flag) != set) {
            failWithMessage("expected flag %s to be %s in%n%s", Flags.string(flag), set ? "set" : "clear", actual);
        }
        return this;
    }

    /** The answer section is exactly these records, in any order. */
    public MessageAssert hasAnswer(String... records) {
        isNotNull();
        Assertions.assertThat(texts(Section.ANSWER))
                .as("answer section of%n%s", actual)
                .containsExactlyInAnyOrderElementsOf(normalize(List.of(records)));
        return this;
    }

    public MessageAssert hasEmptyAnswer() {
        isNotNull();
        Assertions.assertThat(actual.getSection(Section.ANSWER)).as("answer section of%n%s", actual).isEmpty();
        return this;
    }

    public MessageAssert hasAnswerCount(int count) {
        isNotNull();
        Assertions.assertThat(actual.getSection(Section.ANSWER)).as("answer section of%n%s", actual).hasSize(count);
        return this;
    }

    /** The answer holds records of exactly one (owner, type, class): one RRset. */
    public MessageAssert hasOneAnswerRRset() {
        isNotNull();
        List<String> rrsets = actual.getSection(Section.ANSWER).stream()
                .map(r -> r.getName().toString().toLowerCase(Locale.ROOT) + " " + Type.string(r.getType()) + " " + r.getDClass())
                .distinct()
                .collect(Collectors.toList());
        Assertions.assertThat(rrsets).as("RRsets in the answer of%n%s", actual).hasSize(1);
        return this;
    }

    /** The authority section is exactly the SOA of {@code mesh.}, TTL 30, as the contract writes it. */
    public MessageAssert hasZoneSoaInAuthority() {
        isNotNull();
        List<Record> authority = actual.getSection(Section.AUTHORITY);
        Assertions.assertThat(authority).as("authority section of%n%s", actual).hasSize(1);
        Assertions.assertThat(authority.get(0)).as("authority record of%n%s", actual).isInstanceOf(SOARecord.class);
        SOARecord soa = (SOARecord) authority.get(0);
        Assertions.assertThat(normalize(soaWithoutSerial(soa))).as("SOA in authority")
                .isEqualTo(normalize("mesh. 30 IN SOA ns.dns.mesh. hostmaster.dns.mesh. 3600 600 86400 30"));
        return this;
    }

    static String soaWithoutSerial(SOARecord soa) {
        return soa.getName() + " " + soa.getTTL() + " IN SOA " + soa.getHost() + " " + soa.getAdmin() + " "
                + soa.getRefresh() + " " + soa.getRetry() + " " + soa.getExpire() + " " + soa.getMinimum();
    }

    public MessageAssert hasEmptyAuthority() {
        isNotNull();
        Assertions.assertThat(actual.getSection(Section.AUTHORITY)).as("authority section of%n%s", actual).isEmpty();
        return this;
    }

    public MessageAssert hasNoOpt() {
        isNotNull();
        Assertions.assertThat(opts()).as("OPT records in%n%s", actual).isEmpty();
        return this;
    }

    public MessageAssert hasOneOpt() {
        isNotNull();
        Assertions.assertThat(opts()).as("OPT records in%n%s", actual).hasSize(1);
        return this;
    }

    public MessageAssert hasOptPayload(int payload) {
        hasOneOpt();
        Assertions.assertThat(opt().getPayloadSize()).as("OPT payload size").isEqualTo(payload);
        return this;
    }

    public MessageAssert hasOptVersion(int version) {
        hasOneOpt();
        Assertions.assertThat(opt().getVersion()).as("OPT version").isEqualTo(version);
        return this;
    }

    public MessageAssert hasDoBit(boolean set) {
        hasOneOpt();
        Assertions.assertThat((opt().getFlags() & ExtendedFlags.DO) != 0).as("DO bit in the OPT").isEqualTo(set);
        return this;
    }

    public MessageAssert hasNoOptOptions() {
        hasOneOpt();
        Assertions.assertThat(opt().getOptions()).as("options in the OPT").isEmpty();
        return this;
    }

    /**
     * The OPT holds exactly one Extended DNS Error (option 15) whose text contains {@code fragment},
     * compared case-insensitively.
     */
    public MessageAssert hasExtendedErrorTextContaining(String fragment) {
        hasOneOpt();
        List<ExtendedErrorCodeOption> errors = Replies.extendedErrors(actual);
        Assertions.assertThat(errors).as("Extended DNS Errors in%n%s", actual).hasSize(1);
        String text = errors.get(0).getText();
        Assertions.assertThat(text).as("EXTRA-TEXT of the Extended DNS Error in%n%s", actual)
                .isNotNull().containsIgnoringCase(fragment);
        return this;
    }

    private List<Record> opts() {
        return actual.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.OPT).collect(Collectors.toList());
    }

    private OPTRecord opt() {
        return (OPTRecord) opts().get(0);
    }

    private List<String> texts(int section) {
        return actual.getSection(section).stream().map(Record::toString).map(MessageAssert::normalize).collect(Collectors.toList());
    }

    static List<String> normalize(List<String> records) {
        return records.stream().map(MessageAssert::normalize).collect(Collectors.toList());
    }

    static String normalize(String record) {
        return record.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
