package dev.rapport.crm.benchmarks;

import dev.rapport.crm.audit.AuditTrail;
import dev.rapport.crm.audit.Verification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bytes PostgreSQL keeps per audited update, Rapport against JaVers: {@code n} (default 2,000) three-field
 * updates of the {@link AuditedCustomer} on each side, each side in a fresh schema, sizes taken as the sum of
 * {@code pg_total_relation_size} (heap, indexes, TOAST) over every table of the schema, after {@code VACUUM ANALYZE}
 * and again after {@code VACUUM FULL} (tables and indexes rewritten compactly: dead row versions of the updated
 * customer row gone). Each figure is the growth from the state after the customer's creation (and JaVers' first
 * commit), divided by {@code n}.
 *
 * <ul>
 *   <li>Rapport keeps its audit records in its shared stream table, beside the outbox events, so the audit's bytes are
 *       counted two ways: the growth of a schema with {@code AuditTrail} (records sealed afterwards, so the chain's
 *       blocks and the history index exist) minus that of a schema with {@code AuditRecorder.none()} after the same
 *       updates; and row by row: the audit stream's rows ({@code pg_column_size} of each row plus its 4-byte line
 *       pointer), their share of the stream table's indexes (by row count), and the audit collections' tables
 *       ({@code audit_blocks}, {@code audit_index} with their side tables and indexes) whole, and the change-feed rows
 *       the kernel writes for those collections' documents.
 *   <li>JaVers' schema holds JaVers' tables ({@code jv_commit}, {@code jv_snapshot}, {@code jv_global_id},
 *       {@code jv_commit_property}) and the customer's JSON row, which {@link JaversSide#commit} does not touch, so
 *       its growth is JaVers' bytes.
 * </ul>
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.rapport.crm.benchmarks.AuditStoredBytes [updates]</pre>
 */
public final class AuditStoredBytes {
  private AuditStoredBytes() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    // JaVers logs every commit at INFO, polyjdbc its DDL
    System.setProperty("org.slf4j.simpleLogger.log.org.javers", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.org.polyjdbc", "warn");
    List<String[]> rows = new ArrayList<>();

    long[] none;
    try (AuditDb db = AuditDb.fresh("postgres", "bytes_none")) {
      RapportSide side = new RapportSide(db.store(), false);
      long[] before = sizes(db);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        side.update(i);
      }
      long wall = System.nanoTime() - start;
      none = minus(sizes(db), before);
      print(db, "Rapport, AuditRecorder.none()", n, wall);
    }

    long[] audited;
    long[] direct;
    try (AuditDb db = AuditDb.fresh("postgres", "bytes_audited")) {
      RapportSide side = new RapportSide(db.store(), true);
      long[] before = sizes(db);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        side.update(i);
      }
      long wall = System.nanoTime() - start;
      AuditTrail audit = side.audit();
      start = System.nanoTime();
      AuditTrail.Seal seal = audit.seal(RapportSide.ACTOR.tenant());
      long sealed = System.nanoTime() - start;
      Verification v = audit.verify(RapportSide.ACTOR.tenant());
      if (!v.intact() || v.records() != n + 1L) {
        throw new IllegalStateException("the trail is not the run's: " + v);
      }
      audited = minus(sizes(db), before);
      print(db, "Rapport, AuditTrail", n, wall);
      System.out.printf(Locale.ROOT, "    sealed %,d records in %,d blocks in %,d ms (%.0f µs per record, blocks and"
          + " history index written); verify: %s%n", seal.records(), seal.blocks(), sealed / 1_000_000,
          sealed / 1e3 / seal.records(), v.intact() ? "intact" : v.problem());
      direct = auditRows(db);
    }

    long[] javers;
    try (JaversSide side = new JaversSide(AuditDb.fresh("postgres", "bytes_javers"), RapportSide.createdBody())) {
      long[] before = sizes(side.db);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        side.commit(i);
      }
      long wall = System.nanoTime() - start;
      javers = minus(sizes(side.db), before);
      print(side.db, "JaVers 7.8, SqlRepository", n, wall);
      long[] cs = side.commitsAndSnapshots();
      System.out.printf(Locale.ROOT, "    %,d commits, %,d snapshots%n", cs[0], cs[1]);
    }

    rows.add(new String[] {"Rapport, audit on (AuditTrail, sealed)", perUpdate(audited[0], n),
        perUpdate(audited[1], n)});
    rows.add(new String[] {"Rapport, audit none", perUpdate(none[0], n), perUpdate(none[1], n)});
    rows.add(new String[] {"Rapport's audit: on - none", perUpdate(audited[0] - none[0], n),
        perUpdate(audited[1] - none[1], n)});
    rows.add(new String[] {"Rapport's audit, row by row (after VACUUM FULL)", "", perUpdate(direct[4], n)});
    rows.add(new String[] {"  audit stream rows (pg_column_size + line pointer)", "", perUpdate(direct[0], n)});
    rows.add(new String[] {"  their share of the stream table's indexes", "", perUpdate(direct[1], n)});
    rows.add(new String[] {"  audit_blocks + audit_index tables (heap, indexes, side rows)", "",
        perUpdate(direct[2], n)});
    rows.add(new String[] {"  change-feed rows of those tables' documents, with index share", "",
        perUpdate(direct[3], n)});
    rows.add(new String[] {"JaVers (its tables only)", perUpdate(javers[0], n), perUpdate(javers[1], n)});
    System.out.printf(Locale.ROOT, "%nBytes per update, %,d updates of three fields, PostgreSQL (pg_total_relation_size"
        + " summed over the schema's tables; growth from the state after creation)%n", n);
    System.out.printf(Locale.ROOT, "%-66s %18s %18s%n", "", "VACUUM ANALYZE", "VACUUM FULL");
    for (String[] r : rows) {
      System.out.printf(Locale.ROOT, "%-66s %18s %18s%n", r[0], r[1], r[2]);
    }
  }

  private static String perUpdate(long bytes, int n) {
    return String.format(Locale.ROOT, "%,.0f", bytes / (double) n);
  }

  /** The schema's tables' total size after VACUUM ANALYZE, then after VACUUM FULL. */
  private static long[] sizes(AuditDb db) throws SQLException {
    return new long[] {size(db, false), size(db, true)};
  }

  private static long[] minus(long[] a, long[] b) {
    return new long[] {a[0] - b[0], a[1] - b[1]};
  }

  /** The schema's tables' total size after VACUUM ANALYZE, or after VACUUM FULL then ANALYZE. */
  private static long size(AuditDb db, boolean full) throws SQLException {
    vacuum(db, full);
    try (Connection c = db.pool.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace s"
            + " ON s.oid = c.relnamespace WHERE s.nspname = ? AND c.relkind = 'r'")) {
      ps.setString(1, db.schema);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void vacuum(AuditDb db, boolean full) throws SQLException {
    try (Connection c = db.pool.getConnection(); Statement st = c.createStatement()) {
      for (String table : tables(db).keySet()) {
        st.execute((full ? "VACUUM (FULL, ANALYZE) " : "VACUUM (ANALYZE) ") + db.schema + "." + table);
      }
    }
  }

  /** The schema's tables with their total size, largest first. */
  private static Map<String, Long> tables(AuditDb db) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = db.pool.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
            + " WHERE s.nspname = ? AND c.relkind = 'r' ORDER BY 2 DESC, 1")) {
      ps.setString(1, db.schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** Per table (as left by the last VACUUM FULL): total bytes and rows. */
  private static void print(AuditDb db, String side, int n, long wallNanos) throws SQLException {
    System.out.printf(Locale.ROOT, "%n%s: %,d updates in %,d ms (%.0f µs each, one thread); tables with rows after"
        + " VACUUM FULL:%n", side, n, wallNanos / 1_000_000, wallNanos / 1e3 / n);
    try (Connection c = db.pool.getConnection(); Statement st = c.createStatement()) {
      for (Map.Entry<String, Long> t : tables(db).entrySet()) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + db.schema + "." + t.getKey())) {
          rs.next();
          if (rs.getLong(1) == 0) {
            continue;
          }
          System.out.printf(Locale.ROOT, "    %-40s %,12d bytes %,8d rows%n", t.getKey(), t.getValue(), rs.getLong(1));
        }
      }
    }
  }

  /**
   * Rapport's audit counted row by row (after VACUUM FULL): the audit stream's rows, their share of the stream
   * table's indexes, the audit collections' tables, the change-feed rows of those collections' documents with their
   * share of the feed's indexes; and the four summed.
   */
  private static long[] auditRows(AuditDb db) throws SQLException {
    String stream = db.schema + ".rapport_stream_record";
    long rows;
    long rowBytes;
    long all;
    long indexes;
    long collections = 0;
    long feedRows;
    long feedBytes;
    try (Connection c = db.pool.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(pg_column_size(r.*) + 4), 0) FROM " + stream
          + " r WHERE stream = '" + AuditTrail.STREAM + "'")) {
        rs.next();
        rows = rs.getLong(1);
        rowBytes = rs.getLong(2);
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*), pg_indexes_size('" + stream + "') FROM " + stream)) {
        rs.next();
        all = rs.getLong(1);
        indexes = rs.getLong(2);
      }
      for (Map.Entry<String, Long> t : tables(db).entrySet()) {
        if (t.getKey().contains("audit")) {
          collections += t.getValue();
        }
      }
      // the audit collections' documents are written through the kernel, so each one also has a change-feed row
      String change = db.schema + ".rapport_change";
      try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(pg_column_size(r.*) + 4), 0) FROM " + change
          + " r WHERE collection IN ('" + AuditTrail.INDEX + "', '" + AuditTrail.BLOCKS + "')")) {
        rs.next();
        feedRows = rs.getLong(1);
        feedBytes = rs.getLong(2);
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*), pg_indexes_size('" + change + "') FROM " + change)) {
        rs.next();
        feedBytes += rs.getLong(1) == 0 ? 0 : rs.getLong(2) * feedRows / rs.getLong(1);
      }
    }
    long indexShare = all == 0 ? 0 : indexes * rows / all;
    return new long[] {rowBytes, indexShare, collections, feedBytes,
        rowBytes + indexShare + collections + feedBytes};
  }
}
