package dev.rapport.crm.jdbc.internal;

import java.util.List;

/** PostgreSQL 12+: jsonb bodies, {@code COLLATE "C"} strings (UTF-8 byte order is code point order). */
final class PostgresDialect extends Dialect {
  @Override
  public String migrationFolder() {
    return "postgresql";
  }

  @Override
  public String stringType(int length) {
    return "VARCHAR(" + length + ") COLLATE \"C\"";
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

  @Override
  public String updateReturning(String update, String column) {
    return update + " RETURNING " + column;
  }

  @Override
  public boolean switchesToReadCommitted() {
    // READ COMMITTED is PostgreSQL's default; a host that configured a stricter level keeps it (still correct:
    // serialization failures become ConcurrentModificationException)
    return false;
  }
}
