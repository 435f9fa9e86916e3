package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.jdbc.internal.BoundValues;
import dev.rapport.crm.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * EXPLAIN of the adapter's exact statements, for the plan checks: the statement pgjdbc prepared on the server
 * (through the same plan cache decision its next execution takes), or the statement with its bound values written as
 * literals where a database has no such cache (MariaDB).
 */
final class PlanChecks {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlanChecks.class);

  private PlanChecks() {}

  /**
   * {@code EXPLAIN (FORMAT JSON) EXECUTE} of the server statement pgjdbc prepared for {@code sql} on
   * {@code connection} (it does so from the fifth execution). EXECUTE takes no protocol parameters, so the values the
   * adapter binds are captured and written as literals.
   */
  static JsonNode explainPrepared(Connection connection, Sql sql) throws SQLException {
    String name;
    int params;
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT name, cardinality(parameter_types) FROM pg_prepared_statements WHERE statement = ?")) {
      ps.setString(1, serverText(sql.text()));
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("pgjdbc prepared the statement on the server (past its threshold)").isTrue();
        name = rs.getString(1);
        params = rs.getInt(2);
      }
    }
    List<Object> values = BoundValues.of(sql);
    assertThat(values).as("values bound for the server's parameters").hasSize(params);
    StringBuilder explain = new StringBuilder("EXPLAIN (FORMAT JSON) EXECUTE \"" + name + "\"(");
    for (int i = 0; i < params; i++) {
      explain.append(i == 0 ? "" : ", ").append(literal(values.get(i)));
    }
    return explain(connection, explain.append(")").toString()).get(0).get("Plan");
  }

  /**
   * The server statement pgjdbc prepared for {@code sql} was executed past the plan cache's switch: PostgreSQL
   * plans the first five executions in the default mode with custom plans and chooses from the sixth, so a check
   * "past the switch" needs at least six, counted as {@code generic_plans + custom_plans} of
   * {@code pg_prepared_statements}. Those columns exist from PostgreSQL 14; on an older server (the embedded one of
   * a machine without a PostgreSQL URL is 12) only the prepared statement itself is checked, the caller's loop
   * having run it past pgjdbc's threshold.
   */
  static void assertPastThePlanSwitch(Connection connection, Sql sql) throws SQLException {
    boolean counted = connection.getMetaData().getDatabaseMajorVersion() >= 14;
    try (PreparedStatement ps = connection.prepareStatement("SELECT "
        + (counted ? "generic_plans, custom_plans" : "0, 0") + " FROM pg_prepared_statements WHERE statement = ?")) {
      ps.setString(1, serverText(sql.text()));
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("pgjdbc prepared the statement on the server (past its threshold)").isTrue();
        if (counted) {
          long generic = rs.getLong(1);
          long custom = rs.getLong(2);
          assertThat(generic + custom).as("server executions (generic %s, custom %s)", generic, custom)
              .isGreaterThanOrEqualTo(6);
          LOG.info("server plans so far: {} generic, {} custom", generic, custom);
        }
      }
    }
  }

  /** {@code explainPrefix} and {@code sql} with each {@code ?} replaced by its bound value as a literal. */
  static JsonNode explainInlined(Connection connection, String explainPrefix, Sql sql) throws SQLException {
    List<Object> values = BoundValues.of(sql);
    StringBuilder b = new StringBuilder(explainPrefix);
    int n = 0;
    for (char ch : sql.text().toCharArray()) {
      if (ch == '?') {
        b.append(literal(values.get(n++)));
      } else {
        b.append(ch);
      }
    }
    assertThat(n).as("every bound value written").isEqualTo(values.size());
    return explain(connection, b.toString());
  }

  private static JsonNode explain(Connection connection, String explain) throws SQLException {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(explain)) {
      rs.next();
      try {
        return JSON.readTree(rs.getString(1));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The text pgjdbc sends: each {@code ?} becomes {@code $n} (the statements have no '?' in literals). */
  private static String serverText(String jdbcText) {
    StringBuilder b = new StringBuilder();
    int n = 0;
    for (char ch : jdbcText.toCharArray()) {
      if (ch == '?') {
        b.append('$').append(++n);
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  private static String literal(Object v) {
    return v instanceof Number || v instanceof Boolean ? v.toString()
        : "'" + String.valueOf(v).replace("'", "''") + "'";
  }

  /** Every node of a PostgreSQL plan tree, the root first. */
  static List<JsonNode> nodes(JsonNode plan) {
    List<JsonNode> out = new ArrayList<>();
    collect(plan, out);
    return out;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    out.add(node);
    for (JsonNode child : node.path("Plans")) {
      collect(child, out);
    }
  }

  /** One lookup of the loaded document number {@code n}. */
  @FunctionalInterface
  interface Lookup {
    void run(int n);
  }

  /**
   * Runs {@code lookup} over the loaded documents (eight of {@code rows}), then EXPLAINs the server statement pgjdbc
   * prepared for {@code sql} under {@code plan_cache_mode = mode}, and sets the mode back.
   */
  static JsonNode runAndExplain(Connection connection, String mode, int rows, IntFunction<Sql> sql, Lookup lookup)
      throws SQLException {
    for (int i = 0; i < 8; i++) {
      lookup.run(i * 311 % rows);
    }
    try (Statement st = connection.createStatement()) {
      st.execute("SET plan_cache_mode = " + mode);
    }
    try {
      JsonNode plan = explainPrepared(connection, sql.apply(1_234));
      LOG.info("plan ({}): {}", mode, plan);
      return plan;
    } finally {
      try (Statement st = connection.createStatement()) {
        st.execute("SET plan_cache_mode = DEFAULT");
      }
    }
  }

  /** Every scan is an index scan, one per pattern of {@code indexes} (a regular expression of index names). */
  static void assertIndexOnly(JsonNode plan, String... indexes) {
    List<JsonNode> scans = nodes(plan).stream().filter(n -> n.has("Relation Name")).toList();
    assertThat(scans).as("every table is read through an index, never scanned: %s", plan)
        .allMatch(n -> n.path("Node Type").asText().equals("Index Scan")
            || n.path("Node Type").asText().equals("Index Only Scan"))
        .hasSize(indexes.length);
    for (String index : indexes) {
      assertThat(scans).as("a scan of %s: %s", index, plan).anyMatch(n -> n.path("Index Name").asText().matches(index));
    }
    assertThat(nodes(plan)).as("the unique index gives the row, no Sort over another index: %s", plan)
        .noneMatch(n -> n.path("Node Type").asText().contains("Sort"));
  }
}
