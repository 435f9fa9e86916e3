package dev.rapport.crm.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The floor for a create on PostgreSQL: hand-written JDBC inserting the customer's JSON row and one outbox row
 * in one transaction, in tables of its own ({@code floor_customer}, {@code floor_outbox}) in the benchmark's schema.
 */
final class JsonRowFloor {
  private final String insertRow;
  private final String insertOutbox;

  /** Creates the floor's tables in {@code schema}. */
  JsonRowFloor(DataSource pool, String schema) throws SQLException {
    PgBench.execute(pool,
        "CREATE TABLE " + schema + ".floor_customer (tenant VARCHAR(64) NOT NULL, id VARCHAR(64) NOT NULL, "
            + "version BIGINT NOT NULL, body JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (tenant, id))",
        "CREATE TABLE " + schema + ".floor_outbox (tenant VARCHAR(64) NOT NULL, pos BIGSERIAL, id VARCHAR(64) NOT NULL, "
            + "type VARCHAR(100) NOT NULL, payload JSONB NOT NULL, recorded_at TIMESTAMPTZ NOT NULL, "
            + "PRIMARY KEY (tenant, pos))");
    insertRow = "INSERT INTO " + schema + ".floor_customer (tenant, id, version, body, created_at) "
        + "VALUES (?, ?, 1, CAST(? AS JSONB), ?)";
    insertOutbox = "INSERT INTO " + schema + ".floor_outbox (tenant, id, type, payload, recorded_at) "
        + "VALUES (?, ?, 'customer.created', CAST(? AS JSONB), ?)";
  }

  /** The outbox row's insert: tenant, id, payload, recorded at. */
  String insertOutbox() {
    return insertOutbox;
  }

  /** Writes one customer's JSON row and its outbox row in one transaction; returns the new id. */
  String write(DataSource pool, String tenant, String json) throws SQLException {
    String id = UUID.randomUUID().toString();
    Timestamp now = Timestamp.from(Instant.now());
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement row = c.prepareStatement(insertRow);
          PreparedStatement event = c.prepareStatement(insertOutbox)) {
        row.setString(1, tenant);
        row.setString(2, id);
        row.setString(3, json);
        row.setTimestamp(4, now);
        row.executeUpdate();
        event.setString(1, tenant);
        event.setString(2, UUID.randomUUID().toString());
        event.setString(3, "{\"customerId\":\"" + id + "\"}");
        event.setTimestamp(4, now);
        event.executeUpdate();
      }
      c.commit();
    }
    return id;
  }
}
