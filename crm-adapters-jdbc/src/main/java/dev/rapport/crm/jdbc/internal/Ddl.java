package dev.rapport.crm.jdbc.internal;

import org.jspecify.annotations.Nullable;

/**
 * One idempotent DDL statement of a {@link Layout}: {@code sql} creates {@code object} (a column or an index; null for
 * a table, which every database creates with {@code IF NOT EXISTS}) in the unqualified table {@code table}.
 */
public record Ddl(String sql, String table, @Nullable String object) {}
