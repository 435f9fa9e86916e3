package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.IndexSet;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Declared index sets on a real database: the set a {@code Crm} starts with is the set of indexes the document table
 * has (read back from the JDBC catalog, not from Rapport's own code), a changed set is migrated on the next start
 * while the table holds rows, two nodes starting together with a new set build it once, and an index PostgreSQL left
 * INVALID is built again.
 */
class DeclaredIndexesTest {
  private static final Actor ALICE = Actor.of("acme", "alice");
  private static final String TABLE = "rapport_doc_customers";
  private static final CompositeIndex BY_STAGE_REGION_NAME = CompositeIndex.of("byStageRegionName",
      Sort.asc(CustomerFields.STAGE).thenAsc(CustomerFields.REGION).thenAsc(CustomerFields.NAME));

  private static Crm start(TestDatabases.Fresh fresh, IndexSet customers) {
    Crm.Builder b = Crm.builder().store(fresh.builder(Clock.systemUTC()).build())
        .accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).publishAfterCommit(false);
    return (customers == null ? b : b.indexes(CustomerFields.COLLECTION, customers)).build();
  }

  private static TestDatabases.Fresh fresh(TestDatabases.Kind kind) {
    if (kind == TestDatabases.Kind.MYSQL) {
      Assumptions.assumeTrue(System.getenv(TestDatabases.MYSQL_URL) != null, "no MySQL server named");
    }
    return TestDatabases.fresh(kind);
  }

  /** The document table's indexes as the catalog tells them: lower-case name to its columns, in order. */
  static Map<String, List<String>> indexes(TestDatabases.Fresh fresh) throws SQLException {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = fresh.dataSource().getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      boolean h2 = fresh.schema() == null;
      boolean pg = fresh.database() == JdbcStore.Database.POSTGRESQL;
      String catalog = h2 || pg ? null : fresh.schema();
      String schema = h2 ? "PUBLIC" : pg ? fresh.schema() : null;
      try (ResultSet rs = md.getIndexInfo(catalog, schema, h2 ? TABLE.toUpperCase(Locale.ROOT) : TABLE, false,
          false)) {
        while (rs.next()) {
          String name = rs.getString("INDEX_NAME");
          String column = rs.getString("COLUMN_NAME");
          if (name == null || column == null) {
            continue;
          }
          String key = column.toLowerCase(Locale.ROOT) + ("D".equals(rs.getString("ASC_OR_DESC")) ? " desc" : "");
          List<String> cols = out.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>());
          int at = rs.getInt("ORDINAL_POSITION") - 1;
          while (cols.size() <= at) {
            cols.add(null);
          }
          cols.set(at, key);
        }
      }
    }
    return out;
  }

  /** The managed single-field and composite indexes, by their key columns (without tenant and id). */
  private static List<String> declared(TestDatabases.Fresh fresh) throws SQLException {
    List<String> out = new ArrayList<>();
    indexes(fresh).forEach((name, cols) -> {
      if (name.startsWith("rapport_ix_") || name.startsWith("rapport_cx_")) {
        List<String> keys = new ArrayList<>(cols);
        keys.remove("tenant");
        keys.remove("id");
        out.add(String.join(",", keys));
      }
    });
    out.sort(null);
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"H2_MEMORY", "POSTGRESQL", "MARIADB", "MYSQL"})
  void aChangedSetIsMigratedOnTheNextStartWhileTheTableHoldsRows(TestDatabases.Kind kind) throws SQLException {
    TestDatabases.Fresh fresh = fresh(kind);
    Crm first = start(fresh, null);
    assertThat(declared(fresh)).containsExactly("f_deleted", "f_name", "f_owner", "f_stage", "f_updated_at");
    List<Customer> emea = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Customer c = first.customers().create(ALICE, CustomerData.builder(CustomerKind.PERSON, "Person " + (100 - i))
          .region(i % 2 == 0 ? "EMEA" : "APAC").owner("o" + i).build());
      if (i % 2 == 0) {
        emea.add(c);
      }
    }

    // next start: owner no longer indexed, a composite index for the list by stage and region sorted by name
    Crm second = start(fresh, CustomerFields.DEFAULT_INDEXES.without(CustomerFields.OWNER).with(BY_STAGE_REGION_NAME));
    assertThat(declared(fresh)).containsExactly("f_deleted", "f_name", "f_stage", "f_stage,f_region,f_name",
        "f_updated_at");
    assertThat(indexes(fresh)).anySatisfy((name, cols) -> {
      assertThat(name).startsWith("rapport_cx_customers_bystageregionname_");
      assertThat(cols).containsExactly("tenant", "f_stage", "f_region", "f_name", "id");
    });
    Query page = Query.of(Criteria.and(Criteria.eq(CustomerFields.STAGE, "LEAD"),
        Criteria.eq(CustomerFields.REGION, "EMEA")), Sort.asc(CustomerFields.NAME), 50);
    assertThat(second.customers().find(ALICE, page).items()).extracting(Customer::id)
        .containsExactlyElementsOf(emea.stream().sorted((a, b) -> a.name().defaultValue()
            .compareTo(b.name().defaultValue())).map(Customer::id).toList());
    assertThatThrownBy(() -> second.customers().count(ALICE, Criteria.eq(CustomerFields.OWNER, "o1")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("'owner'");

    // the composite index redeclared with other keys under the same name: built anew, the old one dropped
    CompositeIndex reordered = CompositeIndex.of("byStageRegionName",
        Sort.asc(CustomerFields.REGION).thenAsc(CustomerFields.STAGE).thenDesc(CustomerFields.NAME));
    Crm third = start(fresh, IndexSet.of(CustomerFields.NAME).with(reordered));
    List<String> afterThird = declared(fresh);
    assertThat(afterThird).containsExactly("f_deleted", "f_name", "f_region,f_stage,f_name desc");
    assertThat(third.customers().find(ALICE, Query.of(Criteria.eq(CustomerFields.REGION, "APAC"),
        Sort.desc(CustomerFields.NAME), 3)).items()).hasSize(3);

    // the same set again: nothing changes
    start(fresh, IndexSet.of(CustomerFields.NAME).with(reordered));
    assertThat(declared(fresh)).isEqualTo(afterThird);
  }

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRESQL", "MARIADB", "MYSQL"})
  void twoNodesStartingTogetherWithANewSetBuildItOnce(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh fresh = fresh(kind);
    Crm seed = start(fresh, null);
    for (int i = 0; i < 20; i++) {
      seed.customers().create(ALICE, CustomerData.builder(CustomerKind.PERSON, "P" + i).region("EMEA").build());
    }
    IndexSet next = CustomerFields.DEFAULT_INDEXES.with(BY_STAGE_REGION_NAME).with(CustomerFields.GRADE);
    CyclicBarrier together = new CyclicBarrier(2);
    List<CompletableFuture<Crm>> nodes = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      nodes.add(CompletableFuture.supplyAsync(() -> {
        try {
          together.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return start(fresh, next);
      }));
    }
    for (CompletableFuture<Crm> node : nodes) {
      assertThat(node.get().customers().count(ALICE, Criteria.eq(CustomerFields.GRADE, "A"))).isZero();
    }
    assertThat(declared(fresh)).containsExactly("f_deleted", "f_grade", "f_name", "f_owner", "f_stage",
        "f_stage,f_region,f_name", "f_updated_at");
  }

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"MARIADB", "MYSQL"})
  void aCompositeIndexWiderThanAnInnoDbEntryIsRefusedAtStartNamingWhatEachKeyTakes(TestDatabases.Kind kind) {
    TestDatabases.Fresh fresh = fresh(kind);
    CompositeIndex wide = CompositeIndex.of("byEverything", Sort.asc(CustomerFields.OWNER)
        .thenAsc(CustomerFields.TEAM).thenAsc(CustomerFields.DEPARTMENT).thenAsc(CustomerFields.REGION)
        .thenAsc(CustomerFields.NAME));
    assertThatThrownBy(() -> start(fresh, IndexSet.none().with(wide)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .singleElement().satisfies(v -> {
              assertThat(v.path()).isEqualTo("indexes.customers.byEverything");
              assertThat(v.rule()).isEqualTo("index.width");
              assertThat(v.message()).contains("takes 3244 bytes", "owner 512", "name 1020", "allows 3072");
            }));
    // the list of the example fits: tenant 256, stage 160, region 400, name 1020, id 256
    Crm crm = start(fresh, IndexSet.none().with(BY_STAGE_REGION_NAME));
    assertThat(crm.customers().count(ALICE, Criteria.eq(CustomerFields.STAGE, "LEAD"))).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"H2_MEMORY", "POSTGRESQL", "MARIADB", "MYSQL"})
  void customFieldsATenantIndexesAreTypedColumnsFilteredAndSortedOn(TestDatabases.Kind kind) throws SQLException {
    TestDatabases.Fresh fresh = fresh(kind);
    dev.rapport.crm.customer.CustomFieldSchema schema = dev.rapport.crm.customer.CustomFieldSchema.builder()
        .text("industry", 100, false).number("employees", false).indexed("industry", "employees").build();
    Crm crm = Crm.builder().store(fresh.builder(Clock.systemUTC()).build()).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).publishAfterCommit(false).customFields(schema).build();
    for (String[] c : new String[][] {{"Acme", "retail", "1200"}, {"Bolt", "energy", "80"}, {"Core", "retail", "45.5"}}) {
      crm.customers().create(ALICE, CustomerData.builder(CustomerKind.ORGANIZATION, c[0])
          .customField("industry", c[1]).customField("employees", c[2]).build());
    }
    String industry = CustomerFields.custom("industry");
    String employees = CustomerFields.custom("employees");
    assertThat(crm.customers().find(ALICE, Query.of(Criteria.eq(industry, "retail"), Sort.asc(employees), 10))
        .items()).extracting(c -> c.name().defaultValue()).containsExactly("Core", "Acme");
    assertThat(declared(fresh)).contains(dev.rapport.crm.jdbc.internal.Layout.column(industry),
        dev.rapport.crm.jdbc.internal.Layout.column(employees));
  }

  @Test
  void anIndexPostgresLeftInvalidIsBuiltAgainOnTheNextStart() throws SQLException {
    TestDatabases.Fresh fresh = fresh(TestDatabases.Kind.POSTGRESQL);
    Crm first = start(fresh, IndexSet.none().with(BY_STAGE_REGION_NAME));
    first.customers().create(ALICE, CustomerData.builder(CustomerKind.PERSON, "Ada").region("EMEA").build());
    String name = indexes(fresh).keySet().stream().filter(n -> n.startsWith("rapport_cx_")).findFirst().orElseThrow();
    try (Connection c = fresh.dataSource().getConnection(); Statement st = c.createStatement()) {
      // what a CREATE INDEX CONCURRENTLY that died half-way leaves behind
      st.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = '" + fresh.schema() + "." + name
          + "'::regclass");
    }
    assertThat(valid(fresh, name)).isFalse();

    start(fresh, IndexSet.none().with(BY_STAGE_REGION_NAME));
    assertThat(valid(fresh, name)).isTrue();
  }

  @Test
  void postgresDocumentAndSideTablesPlanNoParallelQueryUnlessTheHostSetsItsOwnWorkers() throws SQLException {
    TestDatabases.Fresh fresh = fresh(TestDatabases.Kind.POSTGRESQL);
    start(fresh, null);
    assertThat(reloptions(fresh, TABLE)).contains("parallel_workers=0");
    assertThat(reloptions(fresh, "rapport_mv_customers")).contains("parallel_workers=0");

    // a table created before the setting existed gets it on the next start; a host's own value is kept
    try (Connection c = fresh.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + fresh.qualifier() + TABLE + " RESET (parallel_workers)");
      st.execute("ALTER TABLE " + fresh.qualifier() + "rapport_mv_customers SET (parallel_workers = 4)");
    }
    start(fresh, null);
    assertThat(reloptions(fresh, TABLE)).contains("parallel_workers=0");
    assertThat(reloptions(fresh, "rapport_mv_customers")).contains("parallel_workers=4")
        .doesNotContain("parallel_workers=0");
  }

  private static List<String> reloptions(TestDatabases.Fresh fresh, String table) throws SQLException {
    try (Connection c = fresh.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT reloptions FROM pg_class WHERE oid = '" + fresh.schema() + "."
            + table + "'::regclass")) {
      assertThat(rs.next()).isTrue();
      java.sql.Array options = rs.getArray(1);
      return options == null ? List.of() : List.of((String[]) options.getArray());
    }
  }

  private static boolean valid(TestDatabases.Fresh fresh, String index) throws SQLException {
    try (Connection c = fresh.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT indisvalid FROM pg_index WHERE indexrelid = '" + fresh.schema()
            + "." + index + "'::regclass")) {
      assertThat(rs.next()).isTrue();
      return rs.getBoolean(1);
    }
  }
}
