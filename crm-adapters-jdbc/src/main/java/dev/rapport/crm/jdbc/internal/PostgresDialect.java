package dev.rapport.crm.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** PostgreSQL 12+: jsonb bodies, {@code COLLATE "C"} strings (UTF-8 byte order is code point order). */
final class PostgresDialect extends Dialect {
  @Override
  public Map<String, String> flywaySettings() {
    // a session advisory lock instead of a transactional one: then Flyway needs no second connection
    return Map.of("flyway.postgresql.transactional.lock", "false");
  }

  @Override
  public String migrationFolder() {
    return "postgresql";
  }

  @Override
  public String stringType(int length) {
    return "VARCHAR(" + length + ") COLLATE \"C\"";
  }

  /**
   * Yes: a multi-valued string field (tags) filters the page a composite index walks, and as a side-table semi-join
   * the generic plan of a prepared page misjudged it (the value's rows estimated from the whole side table's
   * distinct values: 261 against 119,813 at 1M customers) and hashed every side-table row of the tag, 125-172x the
   * hand-written page over a {@code text[]}; even custom plans probed the side table's index once per candidate
   * (docs/benchmarks.md). The array is read on the row the index walk fetches anyway, as a DBA's table would.
   */
  @Override
  public boolean arrayColumns() {
    return true;
  }

  @Override
  public String addArrayColumn(String table, String column, int length, String sideTable, String field) {
    // a DO block is one statement, so atomic: the column never exists without its values
    return "DO $$ BEGIN ALTER TABLE " + table + " ADD COLUMN " + column + " VARCHAR(" + length + ")[] COLLATE \"C\""
        + " NOT NULL DEFAULT '{}'; UPDATE " + table + " d SET " + column + " = s.v FROM (SELECT tenant, id,"
        + " array_agg(v_string) v FROM " + sideTable + " WHERE field = '" + field + "' GROUP BY tenant, id) s"
        + " WHERE d.tenant = s.tenant AND d.id = s.id; END $$";
  }

  @Override
  public String arrayElementType() {
    return "varchar";
  }

  @Override
  public String arrayElement(String element) {
    return element + " COLLATE \"C\"";
  }

  @Override
  public String jsonType() {
    return "JSONB";
  }

  @Override
  public String jsonParameter() {
    return "CAST(? AS JSONB)";
  }

  @Override
  public String decimalType() {
    return "NUMERIC(40,10)";
  }

  /**
   * Index columns in the kernel's order: PostgreSQL sorts NULLs last ascending unless told, the kernel puts missing
   * values first ascending and last descending (a backward scan of the same index). In any other order a page
   * sorted by an indexed field cannot walk the index and stop at its end: it reads and sorts every candidate. With
   * 1M customers, the benchmark's page by name (filtered on stage, tag subtree and region) took ~0.4 s that way and
   * ~0.1 s walking the name index. Schemas created before keep their indexes (correct, not as fast).
   */
  @Override
  public String createIndex(String name, String table, List<String> columns, boolean unique) {
    return super.createIndex(name, table, columns.stream().map(c -> c + " NULLS FIRST").toList(), unique);
  }

  /**
   * A partial index: the side table's unique index holds only the values of unique fields (externalRefs), not one
   * NULL entry for every tag, email, phone, country and city. Lookups by value ({@code u_value = ?}) imply NOT NULL,
   * so they still use it. Schemas created before keep their full index (same behaviour, one more entry per row).
   */
  @Override
  public String createUniqueIndexWhereNotNull(String name, String table, List<String> columns, String column) {
    return createIndex(name, table, columns, true) + " WHERE " + column + " IS NOT NULL";
  }

  @Override
  public String indexKey(String column, boolean ascending) {
    return column + (ascending ? " NULLS FIRST" : " DESC NULLS LAST");
  }

  /**
   * {@code select} (a query over {@code pg_class t}) restricted to the table {@code table} of {@code schema} (null:
   * the current schema), bound.
   */
  private static PreparedStatement ofTable(Connection c, String select, @Nullable String schema, String table)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(select + " JOIN pg_namespace n ON n.oid = t.relnamespace"
        + " WHERE t.relname = ? AND n.nspname = " + (schema == null ? "current_schema()" : "?"));
    ps.setString(1, table);
    if (schema != null) {
      ps.setString(2, schema.toLowerCase(Locale.ROOT));
    }
    return ps;
  }

  @Override
  public Set<String> columns(Connection c, @Nullable String schema, String table) throws SQLException {
    return names(c, "SELECT a.attname FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid"
        + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE a.attnum > 0 AND NOT a.attisdropped"
        + " AND n.nspname = " + (schema == null ? "current_schema()" : "?") + " AND t.relname = ?",
        schema == null ? null : schema.toLowerCase(Locale.ROOT), table);
  }

  @Override
  public Map<String, Boolean> indexes(Connection c, @Nullable String schema, String table) throws SQLException {
    Map<String, Boolean> out = new HashMap<>();
    try (PreparedStatement ps = ofTable(c, "SELECT ic.relname, i.indisvalid FROM pg_index i"
        + " JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid", schema, table)) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getBoolean(2));
        }
      }
    }
    return out;
  }

  /**
   * Yes. On a table never analysed, {@code tenant = ? AND id = ?} costs the same through the primary key as through
   * any {@code (tenant, f_x)} index with a Filter on the id: both are estimated at one row (the estimate of a tenant
   * alone is clamped to one), and PostgreSQL keeps the index it considered first, the one created last. A generic
   * plan made while an import's tables held ten rows (autovacuum off) then walked every document of the tenant for
   * each lookup once they held thousands ({@code PostgresCustomerLookupPlanTest}: {@code rapport_ix_customers_f_deleted}
   * with {@code Filter: id = $2}). {@code k >= ? AND k <= ?} selects the same row (a deterministic collation, a
   * numeric or time type), is no equivalence the planner folds into a constant, and with {@code ORDER BY k} only an
   * index on {@code (tenant, k, ...)} yields the rows in that order: any other index needs a Sort on top, so it costs
   * more whatever the estimates. A unique index is the only one on {@code (tenant, k)} Rapport creates.
   */
  @Override
  public boolean rangeForUniqueLookups() {
    return true;
  }

  /**
   * {@code parallel_workers = 0} on the table, unless it already has a {@code parallel_workers} setting (Rapport's, or
   * a host's own, which is kept). A page of 50 rows read in order from a composite index is a few milliseconds of
   * work; at 1,000,000 customers the planner still chose a parallel Gather Merge for it (two workers started for
   * every page: 30–40 ms against 2–4 ms), with custom plans and the default mode alike. No statement shape forbids
   * a parallel plan short of a parallel-unsafe function call, and {@code max_parallel_workers_per_gather} is a
   * session setting, the host's. The cost: a count or a report over a whole large collection runs in one process.
   * {@code ALTER TABLE ... SET} takes a SHARE UPDATE EXCLUSIVE lock: reads and writes go on.
   */
  @Override
  public List<String> serialPlans(Connection c, @Nullable String schema, String table, String qualified)
      throws SQLException {
    try (PreparedStatement ps = ofTable(c, "SELECT t.reloptions FROM pg_class t", schema, table)) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return List.of();
        }
        java.sql.Array options = rs.getArray(1);
        if (options != null) {
          for (Object o : (Object[]) options.getArray()) {
            if (String.valueOf(o).startsWith("parallel_workers=")) {
              return List.of();
            }
          }
        }
      }
    }
    return List.of("ALTER TABLE " + qualified + " SET (parallel_workers = 0)");
  }

  /**
   * {@code CONCURRENTLY}: the table stays writable while the index is built (two scans, and a wait for the
   * transactions that could use the table). It cannot run in a transaction block: the caller runs it in
   * auto-commit. A build that dies leaves an INVALID index, which the next start drops and builds again.
   */
  @Override
  public String createIndexOnline(String name, String table, List<String> keys, boolean emptyTable) {
    return "CREATE INDEX " + (emptyTable ? "" : "CONCURRENTLY ") + "IF NOT EXISTS " + name + " ON " + table
        + " (" + String.join(", ", keys) + ")";
  }

  @Override
  public String dropIndexOnline(String name, String table, boolean emptyTable) {
    return "DROP INDEX " + (emptyTable ? "" : "CONCURRENTLY ") + "IF EXISTS " + qualifierOf(table) + name;
  }

  /**
   * A session-level advisory lock, taken by polling {@code pg_try_advisory_lock}, not by a blocking
   * {@code pg_advisory_lock}: a node waiting inside a statement is a transaction that another node's
   * {@code CREATE INDEX CONCURRENTLY} waits for in turn, which PostgreSQL reports as a deadlock.
   */
  @Override
  protected void lockDdl(Connection c, String key) throws SQLException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
      lock.setString(1, key);
      while (true) {
        try (ResultSet rs = lock.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new SQLException("another node held the DDL lock " + key + " for 10 minutes", "55P03");
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while waiting for the DDL lock " + key, "55P03", e);
        }
      }
    }
  }

  @Override
  protected void unlockDdl(Connection c, String key) throws SQLException {
    execute(c, "SELECT pg_advisory_unlock(hashtext(?))", key);
  }

  @Override
  public String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updateColumns) {
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
        + joinColumns(columns, "?") + ") ON CONFLICT (" + String.join(", ", keyColumns) + ") DO "
        + (updateColumns.isEmpty() ? "NOTHING" : "UPDATE SET " + joinColumns(updateColumns, "%1$s = EXCLUDED.%1$s"));
  }

  /**
   * No: a prefix on the side table stays {@code LIKE}. A generic plan (a prepared statement after five executions)
   * estimates a range between two parameters at 0.5% of the rows whatever the values. For a broad tag subtree that
   * makes "hash every side-table row in the range, then join" look cheap: with 1M customers and a subtree a third of
   * them carry, the benchmark's page hashed 360,000 rows and took 2.7-10 s, against 0.5-1.1 s for the generic plan
   * the unindexable LIKE leaves, probing the side table per candidate document through its (tenant, id, field)
   * index, whose cost is bounded by the document filters (EXPLAIN ANALYZE, force_generic_plan, docs/benchmarks.md).
   * On the document table the range is kept: there the estimate can only make the column's own index attractive,
   * and an index range reads what matches (and stops at the page's end when sorted by it).
   */
  @Override
  public boolean prefixRangeOnSideTable() {
    return false;
  }

  @Override
  public boolean skipLocked() {
    return true;
  }

  /**
   * Positions by transaction: a commit's rows take positions {@code xid * 2^20 + n}, where xid is its transaction's
   * 64-bit id ({@code txid_current()}) and n counts up from the last position the transaction already holds on that
   * counter (a host transaction may commit several units of work). No counter row is locked, so commits of one tenant
   * no longer wait for each other's commit; {@link #positionHorizon()} keeps the feed's promise instead: a reader
   * returns only positions below the oldest transaction still running, and every transaction that can still commit
   * has an id at or above it. Data-modifying CTEs write the change rows and stream records; rows travel as arrays, so
   * the text (and the server's prepared statement) is the same for every commit, whatever its size.
   */
  @Override
  public Sql reserveAndAppend(FeedRows rows, String sequence, String change, String streamRecord) {
    Sql s = new Sql(this).append("WITH x AS (SELECT txid_current() * " + POSITIONS_PER_TRANSACTION + " AS b),"
        + " s AS (SELECT n.name, x.b, n.count + CASE WHEN n.name = '" + FeedRows.CHANGES + "' THEN COALESCE("
        + "(SELECT max(pos) FROM " + change + " WHERE tenant = ").string(rows.tenant())
        .append(" AND pos >= x.b AND pos < x.b + " + POSITIONS_PER_TRANSACTION + "), x.b - 1) ELSE COALESCE("
            + "(SELECT max(pos) FROM " + streamRecord + " WHERE tenant = ").string(rows.tenant())
        .append(" AND stream = substr(n.name, " + (FeedRows.STREAM_PREFIX.length() + 1) + ") AND pos >= x.b"
            + " AND pos < x.b + " + POSITIONS_PER_TRANSACTION + "), x.b - 1) END AS last_value FROM x, ");
    unnest(s, rows.counters(), "AS n(name, count)", text(FeedRows.Counter::name), int8(k -> (long) k.count()))
        .append(")");
    atPositions(s, "c", change, "tenant, pos, collection, doc_id, version, kind, committed_at", rows,
        "s.last_value - v.back, v.collection, v.doc_id, v.version, v.kind", rows.changes(),
        "v(counter, collection, doc_id, version, kind, back)",
        text(FeedRows.ChangeRow::counter), text(FeedRows.ChangeRow::collection), text(FeedRows.ChangeRow::docId),
        int8(FeedRows.ChangeRow::version), text(r -> r.kind().name()), int8(FeedRows.ChangeRow::back));
    atPositions(s, "r", streamRecord, "tenant, stream, pos, id, type, payload, recorded_at", rows,
        "v.stream, s.last_value - v.back, v.id, v.type, CAST(v.payload AS JSONB)", rows.records(),
        "v(counter, stream, id, type, payload, back)",
        text(FeedRows.RecordRow::counter), text(FeedRows.RecordRow::stream), text(FeedRows.RecordRow::id),
        text(FeedRows.RecordRow::type), text(FeedRows.RecordRow::payload), int8(FeedRows.RecordRow::back));
    // a transaction that outgrew its range of positions would take the next transaction's: fail the statement (the
    // message depends on a column, so the planner cannot fold it into an error for every statement)
    return s.append(" SELECT name, CASE WHEN last_value < b + " + POSITIONS_PER_TRANSACTION
        + " THEN last_value ELSE CAST('counter ' || name || ': one transaction may take at most "
        + POSITIONS_PER_TRANSACTION + " positions' AS BIGINT) END FROM s");
  }

  /** Positions a transaction may take per counter: {@code 2^20}, leaving {@code 2^43} transaction ids. */
  private static final long POSITIONS_PER_TRANSACTION = 1L << 20;

  /**
   * The oldest transaction still running when the reading statement's snapshot was taken
   * ({@code txid_snapshot_xmin}), as a position: every transaction below it has ended, and every one that can still
   * commit writes at or above it.
   */
  @Override
  public String positionHorizon() {
    return "txid_snapshot_xmin(txid_current_snapshot()) * " + POSITIONS_PER_TRANSACTION;
  }

  /** Not in the purging transaction's own range of positions, {@code [xid * 2^20, (xid + 1) * 2^20)}. */
  @Override
  public String purgeable(String position) {
    return "(" + position + " < txid_current() * " + POSITIONS_PER_TRANSACTION + " OR " + position
        + " >= (txid_current() + 1) * " + POSITIONS_PER_TRANSACTION + ")";
  }

  /**
   * {@code , <cte> AS (INSERT INTO <table> (<columns>) SELECT tenant, <select>, now FROM unnest(...) AS <alias>
   * JOIN s ON s.name = v.counter)}: the rows, each at its counter's reserved position ({@code s.last_value - v.back}).
   */
  @SafeVarargs
  private static <T> void atPositions(Sql s, String cte, String table, String columns, FeedRows feed, String select,
      List<T> rows, String alias, Column<T>... values) {
    s.append(", " + cte + " AS (INSERT INTO " + table + " (" + columns + ") SELECT ").string(feed.tenant())
        .append(", " + select + ", ").value(feed.now()).append(" FROM ");
    unnest(s, rows, "AS " + alias, values).append(" JOIN s ON s.name = v.counter)");
  }

  /** A column of rows bound as one typed array ({@code text[]} or {@code int8[]}), so unnest needs no cast. */
  private record Column<T>(String type, Function<T, ?> value) {}

  private static <T> Column<T> text(Function<T, String> value) {
    return new Column<>("text", value);
  }

  private static <T> Column<T> int8(Function<T, Long> value) {
    return new Column<>("int8", value);
  }

  /** {@code unnest(?, ?, ...) <alias>}: the rows as one array parameter per column. */
  @SafeVarargs
  private static <T> Sql unnest(Sql s, List<T> rows, String alias, Column<T>... columns) {
    s.append("unnest(");
    for (int n = 0; n < columns.length; n++) {
      Column<T> column = columns[n];
      Object[] values = column.type().equals("int8") ? new Long[rows.size()] : new String[rows.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = column.value().apply(rows.get(i));
      }
      s.append(n == 0 ? "" : ", ")
          .param((ps, i) -> ps.setArray(i, ps.getConnection().createArrayOf(column.type(), values)));
    }
    return s.append(") " + alias);
  }

  @Override
  public boolean sendsStatementsTogether() {
    return true;
  }

  @Override
  public boolean switchesToReadCommitted() {
    // READ COMMITTED is PostgreSQL's default; a host that configured a stricter level keeps it (still correct:
    // serialization failures become VersionConflictException)
    return false;
  }
}
