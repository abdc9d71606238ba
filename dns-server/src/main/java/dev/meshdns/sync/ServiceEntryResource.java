package dev.meshdns.sync;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.meshdns.catalog.ServiceEntries;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.List;
import java.util.Locale;

/**
 * Turns one xDS resource of type {@code meshdns.v1.ServiceEntry} into a validated catalog entry,
 * by the catalog file's rules, so a name or address is accepted or refused the same way wherever
 * it comes from. The resource name must be the service name. Stateless and thread-safe.
 */
final class ServiceEntryResource {
    static final String TYPE_URL = "type.googleapis.com/meshdns.v1.ServiceEntry";

    private ServiceEntryResource() {
    }

    /** The entry with the resource's version, or the problems (each naming the resource). */
    static ServiceEntries.Checked check(Resource resource) {
        return check(resource.getName(), resource.hasResource() ? resource.getResource().getTypeUrl() : null,
                resource.getResource().getValue());
    }

    /**
     * The same for a resource's name and body ({@code typeUrl} and {@code value} of its {@code Any};
     * {@code typeUrl} null when it has none), for a reader that does not build the resource.
     */
    static ServiceEntries.Checked check(String name, String typeUrl, ByteString value) {
        if (typeUrl == null) {
            return refused(name, "has no resource body");
        }
        if (!TYPE_URL.equals(typeUrl)) {
            return refused(name, "is of type " + typeUrl + ", expected " + TYPE_URL);
        }
        dev.meshdns.sync.v1.ServiceEntry proto;
        try {
            // Not Any.unpack: it looks the class's default instance up by reflection on every call
            // (a Method copied per resource: 150 MB of garbage in a million-entry sync).
            proto = dev.meshdns.sync.v1.ServiceEntry.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return refused(name, "does not parse: " + e.getMessage());
        }
        // proto3 has no null: an empty address means "allocate one", like a missing key in the file.
        // uint32 arrives as a Java int: a value past 2^31 is negative and refused like any bad port.
        ServiceEntries.Checked checked = ServiceEntries.check(proto.getService(), proto.getHostnamesList(),
                emptyAsUnset(proto.getVip()), emptyAsUnset(proto.getVip6()), proto.getPortsList());
        if (!checked.isValid()) {
            return refused(name, String.join("; ", checked.problems()));
        }
        if (!checked.entry().service().equals(name.toLowerCase(Locale.ROOT))) {
            return refused(name, "the resource name must be the service name (got service \""
                    + proto.getService() + "\")");
        }
        return checked;
    }

    private static String emptyAsUnset(String address) {
        return address.isEmpty() ? null : address;
    }

    private static ServiceEntries.Checked refused(String name, String why) {
        return new ServiceEntries.Checked(null, List.of("resource \"" + name + "\" " + why));
    }
}
