package dev.rapport.crm.benchmarks;

import dev.rapport.crm.store.Document;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What a developer would write by hand to store customers with the same typed columns, indexes and multi-valued side
 * rows as the kernel's PostgreSQL layout (the columns of every field, the indexes of the default index set), without the kernel's change feed, counters or validation: the anchor for
 * "what does the kernel add on top of the schema the issue asks for".
 */
final class HandWrittenTables {
  static final List<String> SINGLE = List.of("kind", "name", "stage", "grade", "owner", "team", "department",
      "region", "creditLimit", "currency", "createdAt", "updatedAt", "stageChangedAt", "deleted");
  /** The multi-valued fields of the customers' default index set: the ones the kernel writes side rows for. */
  static final List<String> MULTI_INDEXED = List.of("tags", "emails", "phones", "countries", "cities", "externalRefs")
      .stream()
      .filter(dev.rapport.crm.customer.CustomerFields.SPEC.indexSet().fields()::contains).toList();

  final String insertDoc;
  final String insertValue;

  HandWrittenTables(String schema) {
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < SINGLE.size(); i++) {
      marks.append(", ?");
    }
    insertDoc = "INSERT INTO " + schema + ".customer (tenant, id, version, body, f_" + String.join(", f_", SINGLE)
        + ") VALUES (?, ?, 1, CAST(? AS JSONB)" + marks + ")";
    insertValue = "INSERT INTO " + schema + ".customer_value (tenant, id, field, value, u_value) VALUES (?, ?, ?, ?, ?)";
  }

  /** The customer and side-value tables with the kernel's indexes, in an existing or new schema. */
  static String[] ddl(String schema, boolean createSchema) {
    List<String> ddl = new ArrayList<>();
    if (createSchema) {
      ddl.add("CREATE SCHEMA " + schema);
    }
    StringBuilder cols = new StringBuilder();
    for (String f : SINGLE) {
      cols.append(", f_").append(f).append(' ').append(type(f));
    }
    ddl.add("CREATE TABLE " + schema + ".customer (tenant VARCHAR(64) COLLATE \"C\" NOT NULL, id VARCHAR(64) COLLATE \"C\" "
        + "NOT NULL, version BIGINT NOT NULL, body JSONB NOT NULL" + cols + ", PRIMARY KEY (tenant, id))");
    // the same indexes as the kernel's: the customers' default index set (every column is written either way)
    for (String f : SINGLE) {
      if (dev.rapport.crm.customer.CustomerFields.SPEC.indexSet().fields().contains(f)) {
        ddl.add("CREATE INDEX ON " + schema + ".customer (tenant, f_" + f + ")");
      }
    }
    ddl.add("CREATE TABLE " + schema + ".customer_value (tenant VARCHAR(64) COLLATE \"C\" NOT NULL, id VARCHAR(64) "
        + "COLLATE \"C\" NOT NULL, field VARCHAR(30) NOT NULL, value VARCHAR(255) COLLATE \"C\" NOT NULL, "
        + "u_value VARCHAR(300))");
    ddl.add("CREATE INDEX ON " + schema + ".customer_value (tenant, id, field)");
    ddl.add("CREATE UNIQUE INDEX ON " + schema + ".customer_value (tenant, field, u_value) WHERE u_value IS NOT NULL");
    ddl.add("CREATE INDEX ON " + schema + ".customer_value (tenant, field, value, id)");
    return ddl.toArray(String[]::new);
  }

  /**
   * Writes {@code d} (its row and side rows) and one outbox row ({@code insertOutbox}: tenant, id, payload, recorded
   * at) in one transaction; returns its id.
   */
  String write(DataSource pool, String tenant, Document d, String insertOutbox) throws SQLException {
    Timestamp now = Timestamp.from(Instant.now());
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement doc = c.prepareStatement(insertDoc);
          PreparedStatement value = c.prepareStatement(insertValue);
          PreparedStatement event = c.prepareStatement(insertOutbox)) {
        addRows(doc, value, tenant, d);
        doc.executeBatch();
        value.executeBatch();
        event.setString(1, tenant);
        event.setString(2, UUID.randomUUID().toString());
        event.setString(3, "{\"customerId\":\"" + d.id() + "\"}");
        event.setTimestamp(4, now);
        event.executeUpdate();
      }
      c.commit();
    }
    return d.id();
  }

  /** Adds the document row to {@code doc}'s batch and its side rows to {@code value}'s. */
  static void addRows(PreparedStatement doc, PreparedStatement value, String tenant, Document d) throws SQLException {
    doc.setString(1, tenant);
    doc.setString(2, d.id());
    doc.setString(3, d.body().toString());
    for (int n = 0; n < SINGLE.size(); n++) {
      List<Object> v = d.values(SINGLE.get(n));
      bind(doc, 4 + n, SINGLE.get(n), v.isEmpty() ? null : v.get(0));
    }
    doc.addBatch();
    for (String f : MULTI_INDEXED) {
      for (Object v : d.values(f)) {
        value.setString(1, tenant);
        value.setString(2, d.id());
        value.setString(3, f);
        value.setString(4, (String) v);
        value.setString(5, f.equals("externalRefs") ? (String) v : null);
        value.addBatch();
      }
    }
  }

  /** The column type of a single-valued field, as the kernel declares it on PostgreSQL. */
  private static String type(String field) {
    return switch (field) {
      case "creditLimit" -> "NUMERIC(40,10)";
      case "createdAt", "updatedAt", "stageChangedAt" -> "TIMESTAMP(3) WITH TIME ZONE";
      case "deleted" -> "BOOLEAN";
      default -> "VARCHAR(255) COLLATE \"C\"";
    };
  }

  private static void bind(PreparedStatement ps, int index, String field, Object value) throws SQLException {
    if (value == null) {
      ps.setNull(index, switch (field) {
        case "creditLimit" -> Types.NUMERIC;
        case "createdAt", "updatedAt", "stageChangedAt" -> Types.TIMESTAMP_WITH_TIMEZONE;
        case "deleted" -> Types.BOOLEAN;
        default -> Types.VARCHAR;
      });
    } else if (value instanceof Instant t) {
      ps.setTimestamp(index, Timestamp.from(t));
    } else if (value instanceof BigDecimal d) {
      ps.setBigDecimal(index, d);
    } else if (value instanceof Boolean b) {
      ps.setBoolean(index, b);
    } else {
      ps.setString(index, (String) value);
    }
  }
}
