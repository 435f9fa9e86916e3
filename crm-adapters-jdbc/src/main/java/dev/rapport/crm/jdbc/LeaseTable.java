package dev.rapport.crm.jdbc;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Leases: one row per tenant and lease name, locked while it is read for a grant or a guarded commit. A released
 * lease keeps its row and token (owner NULL), so the next holder's token is greater than every one handed out.
 */
final class LeaseTable {
  private final JdbcContext ctx;
  private final Dialect dialect;

  LeaseTable(JdbcContext ctx) {
    this.ctx = ctx;
    this.dialect = ctx.dialect();
  }

  private record LeaseRow(@Nullable String owner, long token, Instant expiresAt) {
    /** The lease as it stands; null when released (owner NULL, token kept for the next holder). */
    @Nullable Lease held(String name) {
      return owner == null ? null : new Lease(name, owner, token, expiresAt);
    }
  }

  private @Nullable LeaseRow select(Connection c, TenantId tenant, String name, String lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT owner, token, expires_at FROM " + ctx.fixed("lease")
        + " WHERE tenant = ? AND name = ?" + lock)) {
      ps.setString(1, tenant.value());
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new LeaseRow(rs.getString("owner"), rs.getLong("token"), dialect.readInstant(rs, "expires_at"))
            : null;
      }
    }
  }

  Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    Instant now = ctx.now();
    Instant expiresAt = StoreChecks.leaseExpiry(now, ttl);
    return ctx.transaction("tryAcquire", c -> {
      LeaseRow row;
      if (dialect.skipLocked()) {
        // A contender does not queue behind the holder's renewal or guarded commit: a locked row means "busy".
        row = select(c, tenant, name, " FOR UPDATE SKIP LOCKED");
        if (row == null) {
          LeaseRow seen = select(c, tenant, name, "");
          if (seen != null && !owner.equals(seen.owner)) {
            return Optional.empty();
          }
        }
      } else {
        row = null;
      }
      if (row == null) {
        row = select(c, tenant, name, " FOR UPDATE");
      }
      if (row == null) {
        ctx.insertIfAbsent(c, dialect.upsert(ctx.fixed("lease"),
            List.of("tenant", "name", "owner", "token", "expires_at"), List.of("tenant", "name"), List.of()), ps -> {
              ps.setString(1, tenant.value());
              ps.setString(2, name);
              ps.setNull(3, Types.VARCHAR);
              ps.setLong(4, 0);
              dialect.bindInstant(ps, 5, Instant.EPOCH);
            });
        row = Objects.requireNonNull(select(c, tenant, name, " FOR UPDATE"));
      }
      OptionalLong granted = StoreChecks.leaseToken(row.held(name), row.token, owner, now);
      if (granted.isEmpty()) {
        return Optional.<Lease>empty();
      }
      long token = granted.getAsLong();
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + ctx.fixed("lease")
          + " SET owner = ?, token = ?, expires_at = ? WHERE tenant = ? AND name = ?")) {
        ps.setString(1, owner);
        ps.setLong(2, token);
        dialect.bindInstant(ps, 3, expiresAt);
        ps.setString(4, tenant.value());
        ps.setString(5, name);
        ps.executeUpdate();
      }
      return Optional.of(new Lease(name, owner, token, expiresAt));
    });
  }

  boolean release(TenantId tenant, Lease lease) {
    return ctx.transaction("release", c -> {
      // owner NULL, token kept: the next acquirer gets token + 1
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + ctx.fixed("lease")
          + " SET owner = NULL WHERE tenant = ? AND name = ? AND owner = ? AND token = ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, lease.name());
        ps.setString(3, lease.owner());
        ps.setLong(4, lease.token());
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Inside a commit: fails unless the guard's lease is still held. Locks the row until the commit ends. */
  void checkGuard(Connection c, TenantId tenant, WriteBatch.LeaseGuard guard, Instant now) throws SQLException {
    // FOR UPDATE: a takeover waits until this commit ends, so the guarded writes cannot interleave with a new owner's
    LeaseRow row = select(c, tenant, guard.name(), " FOR UPDATE");
    StoreChecks.checkLeaseGuard(guard, row == null ? null : row.held(guard.name()), now);
  }
}
