package dev.meshdns.vip;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Values by address where nearly every address has one: that one is kept as the map's value
 * itself, a list only for an address with several, so a million rows cost a million map entries
 * and no million one-element lists. Not thread-safe.
 *
 * @param <V> the value type (a row or a row's key)
 */
public final class AddressIndex<V> {
    private final OpenHashMap<InetAddress, Object> byAddress = new OpenHashMap<>();

    /** Adds the value at the address (a value may be added twice; each is a value of its own). */
    @SuppressWarnings("unchecked")
    public void add(InetAddress address, V value) {
        Object held = byAddress.putIfAbsent(address, Objects.requireNonNull(value, "value"));
        if (held instanceof ManyValues<?> many) {
            ((ManyValues<Object>) many).add(value);
        } else if (held != null) {
            ManyValues<Object> many = new ManyValues<>();
            many.add(held);
            many.add(value);
            byAddress.put(address, many);
        }
    }

    /** Makes room for {@code addresses} in all (see {@link OpenHashMap#reserve}). */
    public void reserve(int addresses) {
        byAddress.reserve(addresses);
    }

    /** Removes the values at the address that {@code which} picks; forgets the address when none is left. */
    @SuppressWarnings("unchecked")
    public void removeIf(InetAddress address, Predicate<? super V> which) {
        Object held = byAddress.get(address);
        if (held instanceof ManyValues<?> many) {
            ((ManyValues<V>) many).removeIf(which);
            if (many.isEmpty()) {
                byAddress.remove(address);
            } else if (many.size() == 1) {
                byAddress.put(address, many.get(0));
            }
        } else if (held != null && which.test((V) held)) {
            byAddress.remove(address);
        }
    }

    /** The values at the address, in the order added; empty when there are none. */
    @SuppressWarnings("unchecked")
    public List<V> get(InetAddress address) {
        Object held = byAddress.get(address);
        if (held == null) {
            return List.of();
        }
        return held instanceof ManyValues<?> many ? List.copyOf((ManyValues<V>) many) : List.of((V) held);
    }

    public boolean contains(InetAddress address) {
        return byAddress.containsKey(address);
    }

    /** Number of addresses with a value. */
    public int size() {
        return byAddress.size();
    }

    /** The addresses with a value; do not modify. */
    public Set<InetAddress> addresses() {
        return byAddress.keySet();
    }

    /** Each address with its values. */
    public void forEach(BiConsumer<InetAddress, List<V>> action) {
        for (InetAddress address : byAddress.keySet()) {
            action.accept(address, get(address));
        }
    }

    /** The list type of an address with several values, told apart from a single value by its class. */
    private static final class ManyValues<T> extends ArrayList<T> {
        ManyValues() {
            super(2);
        }
    }
}
