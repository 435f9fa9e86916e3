package dev.rapport.crm.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.SqlErrors;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What every part of a {@link JdbcStore} shares: units of work on the host's connections, the dialect, the names of
 * Rapport's fixed tables, the clock and the JSON mapper.
 */
final class JdbcContext {
  private final DataSource dataSource;
  private final @Nullable ConnectionProvider connectionProvider;
  private final Dialect dialect;
  private final Clock clock;
  private final String prefix;
  private final String qualifier;
  private final @Nullable String schema;
  // Exact decimals: a body's BigDecimal comes back with its digits and scale, not as a double.
  private final ObjectMapper json = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  JdbcContext(DataSource dataSource, @Nullable ConnectionProvider connectionProvider, Dialect dialect, Clock clock,
      String prefix, @Nullable String schema) {
    this.dataSource = dataSource;
    this.connectionProvider = connectionProvider;
    this.dialect = dialect;
    this.clock = clock;
    this.prefix = prefix;
    this.qualifier = schema == null ? "" : schema + ".";
    this.schema = schema;
  }

  DataSource dataSource() {
    return dataSource;
  }

  Dialect dialect() {
    return dialect;
  }

  String prefix() {
    return prefix;
  }

  /** The schema of Rapport's tables; null: the connection's current one. */
  @Nullable String schema() {
    return schema;
  }

  /** {@code schema.} or empty: what goes before a table name. */
  String qualifier() {
    return qualifier;
  }

  /** The qualified name of one of Rapport's fixed tables ({@code change}, {@code lease}, ...). */
  String fixed(String table) {
    return qualifier + prefix + table;
  }

  /** Now, at the millisecond precision every stored time has. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  ObjectMapper json() {
    return json;
  }

  JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new StorageException("stored JSON is unreadable", false, e);
    }
  }

  String toJson(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A document's body as JSON text, refused (before anything of the batch is kept: the caller's transaction rolls
   * back) when it is longer than the database holds.
   */
  String bodyJson(String collection, Document doc) {
    return fitting(toJson(doc.body()), "document.body", "document ", collection, doc.id());
  }

  /** A stream record's payload as JSON text, refused like {@link #bodyJson} when it is too long. */
  String payloadJson(WriteBatch.Append a) {
    return fitting(toJson(a.payload()), "append.payload", "stream record ", a.stream(), a.id());
  }

  private String fitting(String text, String field, String what, String container, String id) {
    int max = dialect.maxJsonLength();
    if (text.length() > max) {
      throw ValidationException.of(field, "store.too_long", String.format(java.util.Locale.ROOT,
          "%s%s/%s is %,d characters as JSON; this database (%s) holds at most %,d", what, container, id,
          text.length(), dialect.migrationFolder(), max));
    }
    return text;
  }

  // --- units of work ------------------------------------------------------------------------------------------------

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * One unit of work. Own connection: a READ COMMITTED transaction committed here. Host connection in a transaction:
   * a savepoint, rolled back to on failure; the host commits.
   */
  <T> T transaction(String what, Work<T> work) {
    try {
      if (connectionProvider != null) {
        Connection c = connectionProvider.getConnection();
        if (!c.getAutoCommit()) {
          Savepoint sp = c.setSavepoint();
          T result;
          try {
            result = work.run(c);
          } catch (SQLException | RuntimeException | Error e) {
            rollback(c, sp, e);
            throw e;
          }
          c.releaseSavepoint(sp);
          return result;
        }
        return ownTransaction(c, work);
      }
      try (Connection c = dataSource.getConnection()) {
        return ownTransaction(c, work);
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(dialect, e, what);
    }
  }

  private static void rollback(Connection c, Savepoint sp, Throwable cause) {
    try {
      c.rollback(sp);
    } catch (SQLException s) {
      cause.addSuppressed(s);
    }
  }

  private <T> T ownTransaction(Connection c, Work<T> work) throws SQLException {
    int isolation = dialect.switchesToReadCommitted() ? c.getTransactionIsolation()
        : Connection.TRANSACTION_READ_COMMITTED;
    if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
      // MariaDB's default REPEATABLE READ adds gap locks that deadlock unrelated writers; every write here is a
      // locking statement anyway, so READ COMMITTED loses nothing.
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      try {
        c.rollback();
      } catch (SQLException s) {
        e.addSuppressed(s);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
      if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
        c.setTransactionIsolation(isolation);
      }
    }
  }

  /** A read: on the host's connection when one is provided (it sees the host's uncommitted writes). */
  <T> T read(String what, Work<T> work) {
    try {
      if (connectionProvider != null) {
        return work.run(connectionProvider.getConnection());
      }
      try (Connection c = dataSource.getConnection()) {
        return work.run(c);
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(dialect, e, what);
    }
  }

  @FunctionalInterface
  interface Params {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /**
   * Runs an insert-if-absent upsert inside the current transaction. PostgreSQL and MariaDB resolve a concurrent
   * insert of the same key themselves; H2's MERGE may still report the key as duplicate, so there a savepoint lets
   * the transaction go on (the row exists, which is all we wanted).
   */
  void insertIfAbsent(Connection c, String sql, Params params) throws SQLException {
    Savepoint sp = dialect.upsertMayRace() ? c.setSavepoint() : null;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      params.bind(ps);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (sp == null || !dialect.isDuplicateKey(e)) {
        throw e;
      }
      c.rollback(sp);
      return;
    }
    if (sp != null) {
      c.releaseSavepoint(sp);
    }
  }
}
