package dev.rapport.crm.jdbc.internal;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement under construction: SQL text built only from trusted fragments (names from a validated spec, keywords)
 * and every value a bound parameter. There is deliberately no way to append a value as text.
 */
public final class Sql {
  /** Binds one parameter. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement ps, int index) throws SQLException;
  }

  private final StringBuilder text = new StringBuilder();
  private final List<Binder> params = new ArrayList<>();
  private final Dialect dialect;

  public Sql(Dialect dialect) {
    this.dialect = dialect;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Sql append(String trusted) {
    text.append(trusted);
    return this;
  }

  /**
   * Appends another statement after a ';', for dialects that send several statements in one round trip
   * ({@link Dialect#sendsStatementsTogether()}).
   */
  public Sql then(Sql next) {
    if (text.length() > 0) {
      text.append("; ");
    }
    text.append(next.text);
    params.addAll(next.params);
    return this;
  }

  /**
   * {@code statements} with runs of identical single-row {@code INSERT ... VALUES (...)} texts merged into one
   * multi-row INSERT each (what pgjdbc's {@code reWriteBatchedInserts} does for a batch), so the server plans and
   * runs one statement per table instead of one per row. Other statements are kept as they are, in order.
   */
  public static List<Sql> mergeInserts(List<Sql> statements) {
    List<Sql> out = new ArrayList<>(statements.size());
    Sql run = null;
    String runText = null;
    for (Sql s : statements) {
      String t = s.text.toString();
      int values = t.startsWith("INSERT INTO ") && t.endsWith(")") ? t.indexOf(" VALUES (") : -1;
      if (run != null && values >= 0 && t.equals(runText)) {
        run.text.append(", ").append(t, values + " VALUES ".length(), t.length());
        run.params.addAll(s.params);
        continue;
      }
      if (values >= 0) {
        run = new Sql(s.dialect).append(t);
        run.params.addAll(s.params);
        runText = t;
        out.add(run);
      } else {
        run = null;
        runText = null;
        out.add(s);
      }
    }
    return out;
  }

  public Sql param(Binder binder) {
    text.append('?');
    params.add(binder);
    return this;
  }

  /** A JSON text bound as a string, in the dialect's JSON parameter expression (e.g. a cast to jsonb). */
  public Sql json(String text) {
    text(dialect.jsonParameter());
    params.add((ps, i) -> ps.setString(i, text));
    return this;
  }

  private void text(String s) {
    text.append(s);
  }

  public Sql string(String value) {
    return param((ps, i) -> ps.setString(i, value));
  }

  /** A string compared with an ordered column (ids, indexed strings): in the dialect's stored form. */
  public Sql key(String value) {
    String encoded = dialect.encodeKey(value);
    return param((ps, i) -> ps.setString(i, encoded));
  }

  public Sql longValue(long value) {
    return param((ps, i) -> ps.setLong(i, value));
  }

  /** A kernel value ({@link dev.rapport.crm.query.Values}) bound with its SQL type. */
  public Sql value(Object value) {
    return param(binder(dialect, value));
  }

  public static Binder binder(Dialect dialect, Object value) {
    if (value instanceof String s) {
      String encoded = dialect.encodeKey(s);
      return (ps, i) -> ps.setString(i, encoded);
    } else if (value instanceof Long l) {
      return (ps, i) -> ps.setLong(i, l);
    } else if (value instanceof BigDecimal d) {
      return (ps, i) -> ps.setBigDecimal(i, d);
    } else if (value instanceof Instant t) {
      return (ps, i) -> dialect.bindInstant(ps, i, t);
    } else if (value instanceof Boolean b) {
      return (ps, i) -> ps.setBoolean(i, b);
    }
    throw new IllegalArgumentException("not a kernel value: " + value.getClass());
  }

  public String text() {
    return text.toString();
  }

  public PreparedStatement prepare(Connection c) throws SQLException {
    PreparedStatement ps = c.prepareStatement(text.toString());
    try {
      bind(ps);
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  public void bind(PreparedStatement ps) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      params.get(i).bind(ps, i + 1);
    }
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
