package io.keelson.controlplane.state;

import io.keelson.controlplane.auth.TokenRegistry;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Listens on PostgreSQL channel {@code keelson_tokens} (a trigger announces every token change,
 * see {@code db/postgresql}) and refreshes the changed token in this replica's registry, so a
 * revocation made through any replica applies everywhere within milliseconds. If the connection
 * drops, it reconnects and reloads everything; the periodic reload stays as a safety net.
 */
public final class PostgresTokenListener implements AutoCloseable {

    static final String CHANNEL = "keelson_tokens";
    private static final Logger LOG = Logger.getLogger(PostgresTokenListener.class);

    private final DataSource dataSource;
    private final TokenRegistry tokens;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean listening;

    public PostgresTokenListener(DataSource dataSource, TokenRegistry tokens) {
        this.dataSource = dataSource;
        this.tokens = tokens;
        this.thread = new Thread(this::run, "keelson-token-listener");
        this.thread.setDaemon(true);
    }

    public PostgresTokenListener start() {
        thread.start();
        return this;
    }

    /** True once the LISTEN is in place (changes after this point are seen). */
    public boolean isListening() {
        return listening;
    }

    private void run() {
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                // anything that changed while no LISTEN was in place
                tokens.reload();
                listening = true;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] changes = pg.getNotifications(500);
                    if (changes != null) {
                        for (PGNotification change : changes) {
                            tokens.refresh(change.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (!closed) {
                    LOG.warnf("token change listener lost its PostgreSQL connection (%s); reconnecting", e.getMessage());
                    sleepQuietly(1_000);
                }
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
