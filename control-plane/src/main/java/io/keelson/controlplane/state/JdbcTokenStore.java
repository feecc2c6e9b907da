package io.keelson.controlplane.state;

import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.auth.TokenStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link TokenStore} over JDBC; the same SQL runs on the embedded H2 file and on PostgreSQL. */
public final class JdbcTokenStore implements TokenStore {

    private static final String COLUMNS =
            "id, name, role, scopes, secret_hash, created_at_us, created_by, expires_at_us, revoked_at_us";

    private final DataSource dataSource;

    public JdbcTokenStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void insert(ApiToken token) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO api_token (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, token.id());
            s.setString(2, token.name());
            s.setString(3, token.role().name());
            s.setString(4, String.join(",", new TreeSet<>(token.scopes())));
            s.setString(5, token.secretHash());
            s.setLong(6, Micros.of(token.createdAt()));
            s.setString(7, token.createdBy());
            setOptionalMicros(s, 8, token.expiresAt());
            setOptionalMicros(s, 9, token.revokedAt());
            s.executeUpdate();
            commit(c);
        } catch (SQLException e) {
            throw new StateException("could not store API token " + token.id(), e);
        }
    }

    @Override
    public Optional<ApiToken> find(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_token WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StateException("could not read API token " + id, e);
        }
    }

    @Override
    public Optional<ApiToken> revoke(String id, Instant at) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "UPDATE api_token SET revoked_at_us = ? WHERE id = ? AND revoked_at_us IS NULL")) {
            s.setLong(1, Micros.of(at));
            s.setString(2, id);
            s.executeUpdate();
            commit(c);
        } catch (SQLException e) {
            throw new StateException("could not revoke API token " + id, e);
        }
        return find(id);
    }

    @Override
    public List<ApiToken> list(String afterId, int limit, boolean includeRevoked) {
        String sql = "SELECT " + COLUMNS + " FROM api_token WHERE id > ?"
                + (includeRevoked ? "" : " AND revoked_at_us IS NULL") + " ORDER BY id";
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, afterId);
            s.setMaxRows(limit);
            List<ApiToken> tokens = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    tokens.add(read(r));
                }
            }
            return tokens;
        } catch (SQLException e) {
            throw new StateException("could not list API tokens", e);
        }
    }

    @Override
    public long count() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM api_token");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new StateException("could not count API tokens", e);
        }
    }

    private static ApiToken read(ResultSet r) throws SQLException {
        String scopes = r.getString("scopes");
        return new ApiToken(
                r.getString("id"),
                r.getString("name"),
                Role.valueOf(r.getString("role")),
                scopes.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(scopes.split(","))),
                r.getString("secret_hash"),
                Micros.toInstant(r.getLong("created_at_us")),
                r.getString("created_by"),
                optionalMicros(r, "expires_at_us"),
                optionalMicros(r, "revoked_at_us"));
    }

    private static void setOptionalMicros(PreparedStatement s, int index, Optional<Instant> value) throws SQLException {
        if (value.isPresent()) {
            s.setLong(index, Micros.of(value.get()));
        } else {
            s.setNull(index, Types.BIGINT);
        }
    }

    private static Optional<Instant> optionalMicros(ResultSet r, String column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? Optional.empty() : Optional.of(Micros.toInstant(value));
    }

    /** Pools may hand out connections with auto-commit off; a write is only acknowledged once committed. */
    static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
