package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.testservers.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/** {@link TamperContract.Rows} on the JDBC adapter's tables, in plain SQL. */
final class SqlRows implements TamperContract.Rows {
  private final DataSource ds;
  private final String records;
  private final String blocks;
  private final String tenant;
  /** How a JSON text parameter is written into a JSON column: {@code CAST(? AS jsonb)} on PostgreSQL. */
  private final String json;

  SqlRows(TestServers.Opened opened, TenantId tenant, boolean postgres) {
    this.ds = Objects.requireNonNull(opened.dataSource());
    this.records = opened.table("rapport_stream_record");
    this.blocks = opened.table("rapport_doc_" + AuditTrail.BLOCKS);
    this.tenant = tenant.value();
    this.json = postgres ? "CAST(? AS jsonb)" : "?";
  }

  private int update(String sql, Object... args) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private String text(String sql, long key) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant);
      ps.setLong(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row for " + key + ": " + sql);
        }
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private String stream() {
    return " WHERE tenant = ? AND stream = '" + AuditTrail.STREAM + "'";
  }

  @Override
  public String payload(long pos) {
    return text("SELECT payload FROM " + records + stream() + " AND pos = ?", pos);
  }

  @Override
  public void setPayload(long pos, String payload) {
    update("UPDATE " + records + " SET payload = " + json + stream() + " AND pos = ?", payload, tenant, pos);
  }

  @Override
  public void delete(long pos) {
    update("DELETE FROM " + records + stream() + " AND pos = ?", tenant, pos);
  }

  @Override
  public void deleteFrom(long pos) {
    update("DELETE FROM " + records + stream() + " AND pos >= ?", tenant, pos);
  }

  @Override
  public void move(long from, long to) {
    update("UPDATE " + records + " SET pos = ?" + stream() + " AND pos = ?", to, tenant, from);
  }

  @Override
  public void insert(long pos, String id, String payload) {
    update("INSERT INTO " + records + " (tenant, stream, pos, id, type, payload, recorded_at) VALUES (?, '"
        + AuditTrail.STREAM + "', ?, ?, 'audit.change', " + json + ", CURRENT_TIMESTAMP)", tenant, pos, id, payload);
  }

  @Override
  public void deleteBlocksAfter(long seq) {
    update("DELETE FROM " + blocks + " WHERE tenant = ? AND f_seq > ?", tenant, seq);
  }

  @Override
  public String block(long seq) {
    return text("SELECT body FROM " + blocks + " WHERE tenant = ? AND f_seq = ?", seq);
  }

  @Override
  public void setBlock(long seq, String body) {
    update("UPDATE " + blocks + " SET body = " + json + " WHERE tenant = ? AND f_seq = ?", body, tenant, seq);
  }

  /**
   * Every row the JDBC adapter holds of the trail of {@code tenant}, as text: the records of stream {@code audit}
   * and the rows of the trail's collections (documents and their multi-value rows), every column.
   */
  static String storedTrail(TestServers.Opened opened, TenantId tenant) {
    DataSource ds = Objects.requireNonNull(opened.dataSource());
    StringBuilder out = new StringBuilder();
    try (Connection c = ds.getConnection()) {
      dump(c, "SELECT * FROM " + opened.table("rapport_stream_record") + " WHERE tenant = ? AND stream = '"
          + AuditTrail.STREAM + "'", tenant, out);
      for (String collection : List.of(AuditTrail.BLOCKS, AuditTrail.INDEX, StoredKeyVault.KEYS)) {
        dump(c, "SELECT * FROM " + opened.table("rapport_doc_" + collection) + " WHERE tenant = ?", tenant, out);
      }
      java.sql.DatabaseMetaData meta = c.getMetaData();
      for (String table : List.of("rapport_mv_" + AuditTrail.INDEX)) {
        boolean exists = false;
        for (String name : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
          try (ResultSet rs = meta.getTables(null, null, name, null)) {
            exists |= rs.next();
          }
        }
        if (exists) {
          dump(c, "SELECT * FROM " + opened.table(table) + " WHERE tenant = ?", tenant, out);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static void dump(Connection c, String sql, TenantId tenant, StringBuilder out) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant.value());
      try (ResultSet rs = ps.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            out.append(rs.getString(i)).append(' ');
          }
          out.append('\n');
        }
      }
    }
  }
}
