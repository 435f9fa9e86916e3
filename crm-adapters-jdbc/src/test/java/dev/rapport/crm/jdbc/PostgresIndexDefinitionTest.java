package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.customer.CustomerFields;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL index definitions that decide speed but that no query result can show: every sortable column of
 * every index in the kernel's order ({@code NULLS FIRST}; the tenant is only ever compared for equality), so a page sorted by an indexed field walks the index and stops at the
 * page's end instead of sorting every candidate; and the side table's unique index restricted to rows that have a
 * unique value, so a create does not add one NULL entry per tag, email, phone, country and city to it.
 */
class PostgresIndexDefinitionTest {

  @Test
  void indexesFollowTheKernelsNullOrderAndTheSideTablesUniqueIndexSkipsNonUniqueRows() throws SQLException {
    TestDatabases.Fresh fresh = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
    JdbcStore store = fresh.builder(Clock.systemUTC()).build();
    store.register(CustomerFields.SPEC);

    Map<String, String> definitions = new LinkedHashMap<>();
    try (Connection c = fresh.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ? AND tablename LIKE '%customers'"
                + " AND indexname NOT LIKE '%pkey'")) {
      ps.setString(1, fresh.schema());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          definitions.put(rs.getString(1), rs.getString(2));
        }
      }
    }

    // the default set's 5 single-valued fields, and on the side table: by document, unique values, string values
    assertThat(definitions).hasSize(8);
    definitions.values().forEach(def -> {
      String columns = def.substring(def.indexOf('(') + 1, def.indexOf(')'));
      assertThat(columns.split(", ")).as(def).filteredOn(col -> !col.equals("tenant"))
          .allSatisfy(col -> assertThat(col).endsWith(" NULLS FIRST"));
    });
    assertThat(definitions.values()).filteredOn(def -> def.contains("UNIQUE"))
        .singleElement().satisfies(def -> assertThat(def).contains("(tenant NULLS FIRST, field NULLS FIRST, u_value")
            .endsWith("WHERE (u_value IS NOT NULL)"));
  }
}
