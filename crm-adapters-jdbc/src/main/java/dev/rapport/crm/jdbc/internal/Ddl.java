package dev.rapport.crm.jdbc.internal;

import org.jspecify.annotations.Nullable;

/**
 * One idempotent DDL statement of a {@link Layout}: {@code sql} creates {@code object} (a column or an index; null for
 * a table, which every database creates with {@code IF NOT EXISTS}) in the unqualified table {@code table}; or, when
 * {@code drop}, removes the column {@code object}, run only when the table has it.
 */
public record Ddl(String sql, String table, @Nullable String object, boolean drop) {
  public Ddl(String sql, String table, @Nullable String object) {
    this(sql, table, object, false);
  }

  /** Drops {@code column} of {@code table} where the table still has it. */
  public static Ddl dropColumn(String sql, String table, String column) {
    return new Ddl(sql, table, column, true);
  }
}
