package dev.rapport.crm.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * H2 2.x. H2 compares strings as Java does, by UTF-16 unit, which orders supplementary characters (surrogates,
 * U+D800-DFFF) before U+E000-U+FFFF, unlike code point order. Ordered string columns (ids, indexed strings) therefore
 * hold an order-preserving re-encoding: units at or above U+D800 are rotated so that surrogates come last
 * ({@link #encodeKey}). It is the identity below U+D800 (all of ASCII, Latin, CJK, Hangul), maps each unit
 * separately (so prefixes and equality are kept), and is undone on read.
 */
final class H2Dialect extends Dialect {
  @Override
  public String migrationFolder() {
    return "h2";
  }

  @Override
  public String stringType(int length) {
    return "VARCHAR(" + length + ")";
  }

  /**
   * Inline text, not {@code CHARACTER LARGE OBJECT}: H2 moves a LOB over 256 bytes out of its row and converts every
   * bound string to one, which cost the audited update about a fifth of its speed. The price is a length limit
   * ({@link #maxJsonLength}); tables made by an earlier version keep their LOB column and work as before.
   */
  @Override
  public String jsonType() {
    return "CHARACTER VARYING";
  }

  /** H2's longest {@code CHARACTER VARYING}. */
  @Override
  public int maxJsonLength() {
    return 1_048_576;
  }

  /** Unquoted names are stored in upper case. */
  @Override
  public Set<String> columns(Connection c, @Nullable String schema, String table) throws SQLException {
    return names(c, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = "
        + (schema == null ? "SCHEMA()" : "?") + " AND TABLE_NAME = ?",
        schema == null ? null : schema.toUpperCase(Locale.ROOT), table.toUpperCase(Locale.ROOT));
  }

  /** Unquoted names are stored in upper case. */
  @Override
  public Map<String, Boolean> indexes(Connection c, @Nullable String schema, String table) throws SQLException {
    return indexNames(c, "SELECT DISTINCT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA = "
        + (schema == null ? "SCHEMA()" : "?") + " AND TABLE_NAME = ?",
        schema == null ? null : schema.toUpperCase(Locale.ROOT), table.toUpperCase(Locale.ROOT));
  }

  @Override
  public String encodeKey(String s) {
    return rotate(s, true);
  }

  @Override
  public String decodeKey(String s) {
    return rotate(s, false);
  }

  private static String rotate(String s, boolean encode) {
    int i = 0;
    while (i < s.length() && s.charAt(i) < 0xD800) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    char[] out = s.toCharArray();
    for (; i < out.length; i++) {
      char c = out[i];
      if (c >= 0xD800) {
        if (encode) {
          // D800-DFFF (surrogates) -> F800-FFFF; E000-FFFF -> D800-F7FF
          out[i] = (char) (c < 0xE000 ? c + 0x2000 : c - 0x800);
        } else {
          out[i] = (char) (c >= 0xF800 ? c - 0x2000 : c + 0x800);
        }
      }
    }
    return new String(out);
  }

  @Override
  public String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updateColumns) {
    String on = joinColumns(keyColumns, "t.%1$s = s.%1$s").replace(", ", " AND ");
    return "MERGE INTO " + table + " t USING (VALUES (" + joinColumns(columns, "?") + ")) s ("
        + String.join(", ", columns) + ") ON (" + on + ")"
        + (updateColumns.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET " + joinColumns(updateColumns, "%1$s = s.%1$s"))
        + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", columns) + ") VALUES ("
        + joinColumns(columns, "s.%1$s") + ")";
  }

  @Override
  public boolean upsertMayRace() {
    return true;
  }

  @Override
  public boolean skipLocked() {
    return false;
  }

  @Override
  public boolean isTransient(SQLException e) {
    // 50200: lock timeout
    return e.getErrorCode() == 50200 || super.isTransient(e);
  }
}
