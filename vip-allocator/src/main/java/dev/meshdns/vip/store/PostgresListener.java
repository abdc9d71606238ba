package dev.meshdns.vip.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code LISTEN meshdns_vip} side of {@link PostgresVipStore}: its own connection on its own
 * daemon thread ({@code meshdns-pg-listen}), reconnecting with backoff when the connection drops,
 * calling the listeners on each batch of notifications from other sessions and after each
 * (re)connect (anything may have changed meanwhile). Listeners may be added from any thread.
 */
final class PostgresListener implements AutoCloseable {

    static final String CHANNEL = "meshdns_vip";
    private static final Logger log = LoggerFactory.getLogger(PostgresListener.class);
    private static final int POLL_MILLIS = 250;
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final PostgresUrl url;
    /** Backend pid of the store's own writing session, whose notifications are not remote. */
    private final IntSupplier ownPid;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    PostgresListener(PostgresUrl url, IntSupplier ownPid) {
        this.url = url;
        this.ownPid = ownPid;
        this.thread = new Thread(this::run, "meshdns-pg-listen");
        thread.setDaemon(true);
    }

    /** Adds a listener; starts the thread on the first one. */
    synchronized void add(Runnable listener) {
        listeners.add(listener);
        if (thread.getState() == Thread.State.NEW && !closed) {
            thread.start();
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (!closed) {
            try (Connection connection = url.connect()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                backoff = MIN_BACKOFF_MILLIS;
                fire(); // changes made while we were not listening
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && hasRemote(notifications)) {
                        fire();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("LISTEN on postgres at {} failed, retrying in {} ms: {}", url, backoff, e.toString());
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private boolean hasRemote(PGNotification[] notifications) {
        int own = ownPid.getAsInt();
        for (PGNotification notification : notifications) {
            if (notification.getPID() != own) {
                return true;
            }
        }
        return false;
    }

    private void fire() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("remote-change listener failed", e);
            }
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
