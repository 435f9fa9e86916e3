package dev.rapport.crm.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Statements of one unit of work grouped into JDBC batches by their text: every {@link Sql} with the same text (the
 * same table and columns) joins one {@link PreparedStatement} batch, so a commit of n rows costs one round trip per
 * table instead of n (and one multi-row INSERT with PostgreSQL's {@code reWriteBatchedInserts=true} or MariaDB's
 * {@code rewriteBatchedStatements=true}). Batches run in the order their first statement was added.
 *
 * <p>Only for statements whose row counts do not matter (inserts, unconditional deletes): drivers that rewrite
 * batches report {@link java.sql.Statement#SUCCESS_NO_INFO} instead of counts.
 */
public final class Batches implements AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> open = new LinkedHashMap<>();

  public Batches(Connection connection) {
    this.connection = connection;
  }

  public void add(Sql sql) throws SQLException {
    PreparedStatement ps = open.get(sql.text());
    if (ps == null) {
      ps = connection.prepareStatement(sql.text());
      open.put(sql.text(), ps);
    }
    sql.bind(ps);
    ps.addBatch();
  }

  /** Runs every batch, in order, and empties this. */
  public void execute() throws SQLException {
    try {
      for (PreparedStatement ps : open.values()) {
        ps.executeBatch();
      }
    } finally {
      close();
    }
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (PreparedStatement ps : open.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
