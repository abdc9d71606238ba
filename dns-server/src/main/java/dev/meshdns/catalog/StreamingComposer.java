package dev.meshdns.catalog;

import java.util.ArrayList;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * SnakeYAML's composer, except that the items of the root mapping's {@code services:} sequence
 * are handed one by one to a consumer as they are composed, and the sequence is left empty in the
 * document tree. A catalog of a million services then never holds a million item trees at once
 * (they died young instead of being promoted and marked by every full GC). Everything else, the
 * limits, aliases, merge keys and errors included, is SnakeYAML's own code. It streams only when
 * nothing can refer to the sequence or its parents (no anchor on the root or on the sequence, no
 * tag), so an item tree is never needed again; otherwise it composes the whole tree as usual. Not
 * thread-safe: one instance per document.
 */
final class StreamingComposer extends Composer {
    private static final String SERVICES = "services";

    /** Receives the streamed list: where it opens, each item node, where it closes. */
    interface Items {
        /** The list opens: {@code key} is its key in the root mapping, {@code start} the event of its first token. */
        default void opened(Node key, SequenceStartEvent start) {
        }

        void item(Node item);

        /** The list closed; {@code end} is where the token after it begins. */
        default void closed(Mark end) {
        }
    }

    private final Resolver resolver;
    private final Items items;
    /** Stands in for the sequence as the items' parent: only aliases to an open ancestor use it. */
    private final MappingNode parent = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.AUTO);
    private int open;
    private boolean plainRoot;
    private Node lastRootKey;
    private boolean streamNext;

    StreamingComposer(Parser parser, Resolver resolver, LoaderOptions options, Items items) {
        super(parser, resolver, options);
        this.resolver = resolver;
        this.items = items;
    }

    @Override
    protected Node composeMappingNode(String anchor) {
        if (open == 0 && parser.peekEvent() instanceof MappingStartEvent start) {
            plainRoot = start.getAnchor() == null && start.getTag() == null;
        }
        open++;
        try {
            return super.composeMappingNode(anchor);
        } finally {
            open--;
        }
    }

    @Override
    protected Node composeKeyNode(MappingNode node) {
        Node key = super.composeKeyNode(node);
        if (open == 1) {
            lastRootKey = key;
        }
        return key;
    }

    @Override
    protected Node composeValueNode(MappingNode node) {
        if (open == 1 && plainRoot && isServicesKey(lastRootKey)
                && parser.peekEvent() instanceof SequenceStartEvent start
                && start.getAnchor() == null && start.getTag() == null) {
            streamNext = true;
        }
        return super.composeValueNode(node);
    }

    @Override
    protected Node composeSequenceNode(String anchor) {
        if (!streamNext) {
            open++;
            try {
                return super.composeSequenceNode(anchor);
            } finally {
                open--;
            }
        }
        streamNext = false;
        SequenceStartEvent start = (SequenceStartEvent) parser.getEvent();
        items.opened(lastRootKey, start);
        Tag tag = resolver.resolve(NodeId.sequence, null, start.getImplicit());
        SequenceNode sequence = new SequenceNode(tag, true, new ArrayList<>(0), start.getStartMark(), null,
                start.getFlowStyle());
        open++;
        try {
            while (!parser.checkEvent(Event.ID.SequenceEnd)) {
                items.item(super.composeValueNode(parent));
            }
        } finally {
            open--;
        }
        Event end = parser.getEvent();
        sequence.setEndMark(end.getEndMark());
        items.closed(end.getStartMark());
        return sequence;
    }

    private static boolean isServicesKey(Node key) {
        return key instanceof ScalarNode scalar && Tag.STR.equals(scalar.getTag()) && SERVICES.equals(scalar.getValue());
    }
}
