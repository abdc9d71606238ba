package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore.Allocation;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides the claims of one {@link PostgresVipStore#claim} call inside its transaction, with the
 * three rules of {@link dev.meshdns.vip.VipStore#claim} as one SQL statement per round; a released
 * row that takes another address leaves its old one in {@code meshdns_vip_retired} (same statement). The caller
 * holds the write lock, so the statement's snapshot is current; the unique index on held addresses
 * stays as a backstop against writers that skip the lock. Stateless.
 */
final class PostgresClaims {

    /** The claims now held (in call order, as held rows) and whether any row was written. */
    record Outcome(List<Allocation> held, boolean wrote) {
    }

    private static final String CLAIM = """
            WITH c AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::int[], ?::text[]::inet[], ?::int[])
                    AS c(zone, service, family, address, ord)
            ), ok AS (
                SELECT c.*, (own.address IS NULL OR own.released_at IS NOT NULL) AS needs_write,
                    own.address AS own_address, own.released_at AS own_released_at
                FROM c LEFT JOIN meshdns_vip own
                    ON own.zone = c.zone AND own.service = c.service AND own.family = c.family
                WHERE (own.address IS NULL OR own.released_at IS NOT NULL OR own.address = c.address)
                  AND NOT EXISTS (
                    SELECT 1 FROM meshdns_vip other
                    WHERE other.address = c.address
                      AND (other.zone, other.service, other.family) <> (c.zone, c.service, c.family)
                      AND (other.released_at IS NULL OR other.released_at > ?))
                  AND NOT EXISTS (
                    SELECT 1 FROM meshdns_vip_retired other
                    WHERE other.address = c.address
                      AND (other.zone, other.service) <> (c.zone, c.service)
                      AND other.released_at > ?)
            ), retired AS (
                INSERT INTO meshdns_vip_retired AS r (zone, service, address, released_at, revision)
                SELECT zone, service, own_address, own_released_at, nextval('meshdns_vip_revision')
                FROM ok WHERE own_released_at IS NOT NULL AND own_address <> address ORDER BY ord
                ON CONFLICT (zone, service, address) DO UPDATE
                    SET released_at = EXCLUDED.released_at, revision = EXCLUDED.revision
                    WHERE r.released_at < EXCLUDED.released_at
            ), written AS (
                INSERT INTO meshdns_vip AS v (zone, service, family, address, released_at, revision)
                SELECT zone, service, family, address, NULL, nextval('meshdns_vip_revision')
                FROM ok WHERE needs_write ORDER BY ord
                ON CONFLICT (zone, service, family) DO UPDATE
                    SET address = EXCLUDED.address, released_at = NULL, revision = EXCLUDED.revision
                    WHERE v.released_at IS NOT NULL
                RETURNING v.zone, v.service, v.family
            )
            SELECT ord, false FROM ok WHERE NOT needs_write
            UNION ALL SELECT ok.ord, true FROM written JOIN ok USING (zone, service, family)""";
    private PostgresClaims() {
    }

    static Outcome decide(Connection connection, List<Allocation> claims, OffsetDateTime quarantinedAfter)
            throws SQLException {
        boolean[] held = new boolean[claims.size()];
        boolean wrote = false;
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            for (List<Integer> round : rounds(claims)) {
                wrote |= claimRound(connection, claim, claims, round, quarantinedAfter, held);
            }
        }
        List<Allocation> result = new ArrayList<>();
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                Allocation c = claims.get(i);
                result.add(Allocation.held(c.zone(), c.service(), c.address()));
            }
        }
        return new Outcome(result, wrote);
    }

    /**
     * Splits claims into rounds without a repeated key or address, in order: one statement decides a
     * round, and a later round sees what the earlier ones wrote, as if decided one by one.
     */
    private static List<List<Integer>> rounds(List<Allocation> claims) {
        List<List<Integer>> rounds = new ArrayList<>();
        List<Integer> round = new ArrayList<>();
        Set<List<Object>> keys = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        for (int i = 0; i < claims.size(); i++) {
            Allocation c = claims.get(i);
            List<Object> key = List.of(c.zone(), c.service(), c.family());
            if (keys.contains(key) || addresses.contains(c.address())) {
                rounds.add(round);
                round = new ArrayList<>();
                keys.clear();
                addresses.clear();
            }
            keys.add(key);
            addresses.add(c.address());
            round.add(i);
        }
        rounds.add(round);
        return rounds;
    }

    /** Decides one round; marks the claims held; returns whether it wrote a row. */
    private static boolean claimRound(Connection connection, PreparedStatement claim, List<Allocation> claims,
            List<Integer> round, OffsetDateTime quarantinedAfter, boolean[] held) throws SQLException {
        int n = round.size();
        String[] zones = new String[n];
        String[] services = new String[n];
        Integer[] families = new Integer[n];
        String[] addresses = new String[n];
        Integer[] ords = new Integer[n];
        for (int j = 0; j < n; j++) {
            Allocation c = claims.get(round.get(j));
            zones[j] = c.zone();
            services[j] = c.service();
            families[j] = c.family();
            addresses[j] = c.address().getHostAddress();
            ords[j] = round.get(j);
        }
        claim.setArray(1, connection.createArrayOf("text", zones));
        claim.setArray(2, connection.createArrayOf("text", services));
        claim.setArray(3, connection.createArrayOf("int4", families));
        claim.setArray(4, connection.createArrayOf("text", addresses));
        claim.setArray(5, connection.createArrayOf("int4", ords));
        claim.setObject(6, quarantinedAfter);
        claim.setObject(7, quarantinedAfter);
        boolean wrote = false;
        try (ResultSet rs = claim.executeQuery()) {
            while (rs.next()) {
                held[rs.getInt(1)] = true;
                wrote |= rs.getBoolean(2);
            }
        }
        return wrote;
    }
}
