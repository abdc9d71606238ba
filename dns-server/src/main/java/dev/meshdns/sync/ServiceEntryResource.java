package dev.meshdns.sync;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.meshdns.catalog.ServiceEntries;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        String name = resource.getName();
        if (!resource.hasResource()) {
            return refused(name, "has no resource body");
        }
        Any any = resource.getResource();
        if (!TYPE_URL.equals(any.getTypeUrl())) {
            return refused(name, "is of type " + any.getTypeUrl() + ", expected " + TYPE_URL);
        }
        dev.meshdns.sync.v1.ServiceEntry proto;
        try {
            proto = any.unpack(dev.meshdns.sync.v1.ServiceEntry.class);
        } catch (InvalidProtocolBufferException e) {
            return refused(name, "does not parse: " + e.getMessage());
        }
        ServiceEntries.Checked checked = ServiceEntries.check(fields(proto));
        if (!checked.isValid()) {
            return refused(name, String.join("; ", checked.problems()));
        }
        if (!checked.entry().service().equals(name.toLowerCase(Locale.ROOT))) {
            return refused(name, "the resource name must be the service name (got service \""
                    + proto.getService() + "\")");
        }
        return checked;
    }

    private static Map<String, Object> fields(dev.meshdns.sync.v1.ServiceEntry proto) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("service", proto.getService());
        fields.put("hostnames", new ArrayList<>(proto.getHostnamesList()));
        // proto3 has no null: an empty address means "allocate one", like a missing key in the file.
        if (!proto.getVip().isEmpty()) {
            fields.put("vip", proto.getVip());
        }
        if (!proto.getVip6().isEmpty()) {
            fields.put("vip6", proto.getVip6());
        }
        // uint32 arrives as a Java int: a value past 2^31 is negative and refused like any bad port.
        fields.put("ports", new ArrayList<>(proto.getPortsList()));
        return fields;
    }

    private static ServiceEntries.Checked refused(String name, String why) {
        return new ServiceEntries.Checked(null, List.of("resource \"" + name + "\" " + why));
    }
}
