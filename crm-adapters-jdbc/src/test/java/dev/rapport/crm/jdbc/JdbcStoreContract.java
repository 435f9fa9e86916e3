package dev.rapport.crm.jdbc;

import dev.rapport.crm.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link JdbcStore} on one database; subclassed once per database. */
abstract class JdbcStoreContract {
  static final TenantId T1 = TenantId.of("t1");
  static final TenantId T2 = TenantId.of("t2");
  static final CollectionSpec CUSTOMERS = CollectionSpec.of("customers",
      IndexSpec.single("region", IndexType.STRING),
      IndexSpec.unique("externalRef", IndexType.STRING),
      IndexSpec.multiUnique("emails", IndexType.STRING),
      IndexSpec.multi("tags", IndexType.STRING),
      IndexSpec.single("creditLimit", IndexType.DECIMAL),
      IndexSpec.single("createdAt", IndexType.INSTANT),
      IndexSpec.single("score", IndexType.LONG),
      IndexSpec.single("vip", IndexType.BOOLEAN));

  final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  TestDatabases.Fresh where;
  JdbcStore store;

  abstract TestDatabases.Kind kind();

  @BeforeEach
  void setUp() {
    where = TestDatabases.fresh(kind());
    store = where.builder(clock).build();
    store.register(CUSTOMERS);
  }

  static ObjectNode body(String name) {
    return JsonNodeFactory.instance.objectNode().put("name", name).put("n", 1);
  }

  static Document doc(String id, long version, String region, String ref, List<String> emails) {
    return new Document(id, version, body(id), Document.indexValues().put("region", region).put("externalRef", ref)
        .putAll("emails", emails).build());
  }

  Committed insert(TenantId t, Document d) {
    return store.commit(t, WriteBatch.builder().insert("customers", d).build());
  }

  @Test
  void insertsReadsUpdatesAndDeletesWithVersionChecks() {
    insert(T1, doc("a", 1, "EU", "r1", List.of("a@x.org")));
    Document read = store.get(T1, "customers", "a").orElseThrow();
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.body()).isEqualTo(body("a"));
    assertThat(read.index()).containsEntry("region", List.of("EU")).containsEntry("externalRef", List.of("r1"))
        .doesNotContainKey("emails");
    assertThat(store.get(T2, "customers", "a")).isEmpty();

    store.commit(T1, WriteBatch.builder().update("customers", doc("a", 2, "US", "r1", List.of())).build());
    assertThat(store.get(T1, "customers", "a").orElseThrow().values("region")).containsExactly("US");
    assertThatThrownBy(() -> store.commit(T1, WriteBatch.builder()
        .update("customers", doc("a", 2, "XX", "r1", List.of())).build()))
        .isInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> store.commit(T1, WriteBatch.builder().delete("customers", "a", 1).build()))
        .isInstanceOf(VersionConflictException.class);
    store.commit(T1, WriteBatch.builder().delete("customers", "a", 2).build());
    assertThat(store.get(T1, "customers", "a")).isEmpty();
    assertThat(store.changes(T1, 0, 100)).extracting(Change::kind, Change::version)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Change.Kind.INSERT, 1L),
            org.assertj.core.groups.Tuple.tuple(Change.Kind.UPDATE, 2L),
            org.assertj.core.groups.Tuple.tuple(Change.Kind.DELETE, 2L));
  }

  @Test
  void aFailedBatchWritesNothing() {
    insert(T1, doc("a", 1, "EU", "r1", List.of()));
    assertThatThrownBy(() -> store.commit(T1, WriteBatch.builder()
        .insert("customers", doc("b", 1, "EU", "r2", List.of()))
        .append("outbox", "e1", "created", JsonNodeFactory.instance.objectNode())
        .update("customers", doc("a", 5, "EU", "r1", List.of())).build()))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(T1, "customers", "b")).isEmpty();
    assertThat(store.read(T1, "outbox", 0, 10)).isEmpty();
    assertThat(store.changes(T1, 0, 10)).hasSize(1);
  }

  @Test
  void duplicatesNameTheField() {
    insert(T1, doc("a", 1, "EU", "r1", List.of("a@x.org", "b@x.org")));
    assertThatThrownBy(() -> insert(T1, doc("a", 1, "EU", "r9", List.of())))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("id"));
    assertThatThrownBy(() -> insert(T1, doc("b", 1, "EU", "r1", List.of())))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("externalRef"));
    assertThatThrownBy(() -> insert(T1, doc("b", 1, "EU", "r2", List.of("c@x.org", "b@x.org"))))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("emails"));
    // other tenants have their own unique values
    insert(T2, doc("a", 1, "EU", "r1", List.of("a@x.org")));
    // a value may move between documents of one batch
    insert(T1, doc("b", 1, "EU", "r2", List.of("c@x.org")));
    store.commit(T1, WriteBatch.builder()
        .update("customers", doc("b", 2, "EU", "r1", List.of("a@x.org")))
        .update("customers", doc("a", 2, "EU", "r2", List.of("c@x.org"))).build());
    assertThat(store.findUnique(T1, "customers", "externalRef", "r1").orElseThrow().id()).isEqualTo("b");
    assertThat(store.findUnique(T1, "customers", "emails", "c@x.org").orElseThrow().id()).isEqualTo("a");
    store.commit(T1, WriteBatch.builder().append("s", "x", "t", JsonNodeFactory.instance.objectNode()).build());
    assertThatThrownBy(() -> store.commit(T1,
        WriteBatch.builder().append("s", "x", "t", JsonNodeFactory.instance.objectNode()).build()))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> {
          assertThat(e.field()).isEqualTo("id");
          assertThat(e.collection()).isEqualTo("s");
        });
  }

  @Test
  void streamsAndFeedsArePerTenant() {
    Committed c = store.commit(T1, WriteBatch.builder()
        .insert("customers", doc("a", 1, "EU", "r1", List.of()))
        .append("audit", "1", "created", JsonNodeFactory.instance.objectNode().put("k", "v"))
        .append("audit", "2", "created", JsonNodeFactory.instance.objectNode())
        .append("outbox", "1", "evt", JsonNodeFactory.instance.objectNode()).build());
    // positions count per stream, consecutively within one commit (from 1 where a counter numbers them, from the
    // transaction's base on PostgreSQL)
    long audit1 = c.records().get(0).position();
    assertThat(c.records()).extracting(StreamRecord::position).containsExactly(audit1, audit1 + 1,
        c.records().get(2).position());
    assertThat(c.records().get(2).position()).isEqualTo(c.changes().get(0).position());
    List<StreamRecord> audit = store.read(T1, "audit", 0, 10);
    assertThat(audit).extracting(StreamRecord::id).containsExactly("1", "2");
    assertThat(audit.get(0).payload()).isEqualTo(JsonNodeFactory.instance.objectNode().put("k", "v"));
    assertThat(audit.get(0).recordedAt()).isEqualTo(clock.instant());
    assertThat(store.read(T1, "audit", audit1, 10)).extracting(StreamRecord::id).containsExactly("2");
    assertThat(store.read(T2, "audit", 0, 10)).isEmpty();
    assertThat(store.changes(T2, 0, 10)).isEmpty();
  }

  @Test
  void bodiesAndPayloadsKeepEveryDigit() {
    // MySQL's JSON type would parse numbers with a fraction as doubles and keep 17 significant digits
    ObjectNode exact = JsonNodeFactory.instance.objectNode()
        .put("amount", new BigDecimal("12345678901234567890.123456789"))
        .put("tenth", new BigDecimal("0.1000000000000000055511151231257827"));
    store.commit(T1, WriteBatch.builder().insert("customers", new Document("x", 1, exact, Map.of()))
        .append("audit", "1", "created", exact).build());
    assertThat(store.get(T1, "customers", "x").orElseThrow().body()).isEqualTo(exact);
    assertThat(store.read(T1, "audit", 0, 10).get(0).payload()).isEqualTo(exact);
  }

  @Test
  void leasesAreExclusiveExpireAndFence() {
    Lease a = store.tryAcquire(T1, "relay", "node-a", Duration.ofSeconds(30)).orElseThrow();
    assertThat(store.tryAcquire(T1, "relay", "node-b", Duration.ofSeconds(30))).isEmpty();
    assertThat(store.tryAcquire(T2, "relay", "node-b", Duration.ofSeconds(30))).isPresent();
    Lease renewed = store.tryAcquire(T1, "relay", "node-a", Duration.ofSeconds(30)).orElseThrow();
    assertThat(renewed.token()).isEqualTo(a.token());
    store.commit(T1, WriteBatch.builder().append("x", "1", "t", JsonNodeFactory.instance.objectNode())
        .guardedBy(WriteBatch.LeaseGuard.of(renewed)).build());
    clock.advance(Duration.ofSeconds(31));
    Lease b = store.tryAcquire(T1, "relay", "node-b", Duration.ofSeconds(30)).orElseThrow();
    assertThat(b.token()).isGreaterThan(a.token());
    assertThatThrownBy(() -> store.commit(T1, WriteBatch.builder()
        .append("x", "2", "t", JsonNodeFactory.instance.objectNode()).guardedBy(WriteBatch.LeaseGuard.of(a)).build()))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.release(T1, a)).isFalse();
    assertThat(store.release(T1, b)).isTrue();
    assertThat(store.tryAcquire(T1, "relay", "node-a", Duration.ofSeconds(5)).orElseThrow().token())
        .isGreaterThan(b.token());
  }

  @Test
  void queriesSortAndPageOnTypedColumns() {
    for (int i = 0; i < 7; i++) {
      insert(T1, new Document("d" + i, 1, body("d" + i), Document.indexValues()
          .put("region", i % 2 == 0 ? "EU" : null).put("score", (long) i)
          .put("creditLimit", new BigDecimal(i + ".5")).put("createdAt", Instant.ofEpochMilli(1000L * i))
          .put("vip", i > 4).putAll("tags", List.of("segment/" + (i % 3), "all")).build()));
    }
    Query q = Query.of(Criteria.not(Criteria.eq("region", "EU")), Sort.desc("score"), 2);
    var p1 = store.query(T1, "customers", q);
    assertThat(p1.items()).extracting(Document::id).containsExactly("d5", "d3");
    var p2 = store.query(T1, "customers", q.after(p1.nextCursor()));
    assertThat(p2.items()).extracting(Document::id).containsExactly("d1");
    assertThat(p2.hasNext()).isFalse();
    assertThat(store.count(T1, "customers", Criteria.tagSubtree("tags", "segment"))).isEqualTo(7);
    assertThat(store.count(T1, "customers", Criteria.and(Criteria.gte("creditLimit", new BigDecimal("3.5")),
        Criteria.lt("createdAt", Instant.ofEpochMilli(6000)), Criteria.eq("vip", true)))).isEqualTo(1);
    assertThat(store.query(T1, "customers", Query.of(Criteria.all(), Sort.asc("region"), 10)).items())
        .extracting(Document::id).containsExactly("d1", "d3", "d5", "d0", "d2", "d4", "d6");
    assertThatThrownBy(() -> store.count(T1, "customers", Criteria.eq("nope", "x")))
        .isInstanceOf(ValidationException.class);
  }

  /**
   * Prefixes are ranges up to the prefix's code point successor (CriteriaSql): exactly "starts with", checked here
   * in the database's own string order at its edges (LIKE metacharacters, both sides of the surrogate block, the
   * last BMP character, supplementary characters, U+10FFFF), on a column and on the side table, and negated.
   */
  @Test
  void prefixesMatchExactlyStartsWithAtTheEdgesOfCodePointOrder() {
    String max = new String(Character.toChars(Character.MAX_CODE_POINT));
    List<String> values = List.of("a", "a%b", "a_b", "a\\b", "a!b", "ab", "a&", "a`", "a]", "a" + max, "b",
        "\uD7FF", "\uD7FFx", "\uE000", "\uFF5A", "\uFFFF", "\uFFFFz", "\uD800\uDC00", "\uD83D\uDE00",
        "\uD83D\uDE00x", "\uD83D\uDE01", "\uD840\uDC00", max, max + max, max + "a", "seg/vip", "seg/vip/gold",
        "seg/vip0", "seg/vipx", "seg/vip.");
    for (int i = 0; i < values.size(); i++) {
      insert(T1, new Document("p" + i, 1, body("p" + i),
          Document.indexValues().put("region", values.get(i)).putAll("tags", List.of(values.get(i), "t")).build()));
    }
    java.util.Set<String> prefixes = new java.util.TreeSet<>(List.of("%", "_", "\\", "a%", "a_", "a\\", "a!"));
    for (String v : values) {
      for (int end = v.length(); end > 0; end = v.offsetByCodePoints(end, -1)) {
        prefixes.add(v.substring(0, end));
      }
    }
    for (String prefix : prefixes) {
      List<String> expected = new java.util.ArrayList<>();
      List<String> others = new java.util.ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        (values.get(i).startsWith(prefix) ? expected : others).add("p" + i);
      }
      for (String field : List.of("region", "tags")) {
        assertThat(ids(Criteria.prefix(field, prefix))).as("%s starts with %s", field, prefix)
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids(Criteria.not(Criteria.prefix(field, prefix)))).as("%s does not start with %s", field, prefix)
            .containsExactlyInAnyOrderElementsOf(others);
      }
    }
    assertThat(ids(Criteria.tagSubtree("tags", "seg/vip"))).containsExactlyInAnyOrder("p25", "p26");
    assertThat(ids(Criteria.tagSubtree("region", "seg/vip"))).containsExactlyInAnyOrder("p25", "p26");
  }

  private List<String> ids(Criteria c) {
    return store.query(T1, "customers", Query.of(c, Sort.byId(), 100)).items().stream().map(Document::id).toList();
  }

  @Test
  void registeringAgainIsANoOpAndAddingAnIndexAddsAColumn() {
    insert(T1, doc("a", 1, "EU", "r1", List.of()));
    // a second start over the same schema: migrations and DDL are no-ops, the data is there
    JdbcStore again = where.builder(clock).build();
    again.register(CUSTOMERS);
    assertThat(again.get(T1, "customers", "a")).isPresent();
    store.register(CUSTOMERS);
    CollectionSpec more = new CollectionSpec("customers", new java.util.ArrayList<>(CUSTOMERS.indexes()) {
      {
        add(IndexSpec.single("stage", IndexType.STRING));
      }
    });
    store.register(more);
    store.commit(T1, WriteBatch.builder().insert("customers",
        new Document("b", 1, body("b"), Map.of("stage", List.of("LEAD")))).build());
    assertThat(store.count(T1, "customers", Criteria.eq("stage", "LEAD"))).isEqualTo(1);
    assertThatThrownBy(() -> store.register(CollectionSpec.of("customers")))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void aTableOfAnEarlierReleaseLosesItsIdxColumnAtTheNextStart() throws Exception {
    insert(T1, doc("a", 1, "EU", "r1", List.of("a@x.org")));
    // tables made by earlier snapshots kept the index values a second time in a NOT NULL column idx, no default
    String table = where.qualifier() + "rapport_doc_customers";
    try (Connection c = where.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + table + " ADD COLUMN idx VARCHAR(100) DEFAULT '{}' NOT NULL");
      st.execute("ALTER TABLE " + table + " ALTER COLUMN idx DROP DEFAULT");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    assertThatThrownBy(() -> insert(T1, doc("b", 1, "EU", "r2", List.of()))).isInstanceOf(RuntimeException.class);

    JdbcStore upgraded = where.builder(clock).build();
    upgraded.register(CUSTOMERS);
    upgraded.commit(T1, WriteBatch.builder().insert("customers", doc("b", 1, "EU", "r2", List.of("b@x.org")))
        .update("customers", doc("a", 2, "US", "r1", List.of("a@x.org"))).build());
    assertThat(upgraded.get(T1, "customers", "a").orElseThrow().values("region")).containsExactly("US");
    assertThat(upgraded.count(T1, "customers", Criteria.eq("emails", "b@x.org"))).isEqualTo(1);
    try (Connection c = where.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + table + " WHERE 1=0")) {
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        assertThat(rs.getMetaData().getColumnName(i)).isNotEqualToIgnoringCase("idx");
      }
    }
  }

  @Test
  void onPostgresqlATableOfAnEarlierReleaseGetsItsArrayColumnsFilledAtTheNextStart() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(kind() == TestDatabases.Kind.POSTGRESQL,
        "array columns are PostgreSQL's");
    insert(T1, doc("a", 1, "EU", "r1", List.of("a@x.org", "a2@x.org")));
    insert(T1, doc("b", 1, "EU", "r2", List.of()));
    insert(T2, doc("a", 1, "US", "r1", List.of("other@x.org")));
    // tables made by earlier snapshots had the side table only
    String table = where.qualifier() + "rapport_doc_customers";
    try (Connection c = where.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + table + " DROP COLUMN a_emails");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }

    JdbcStore upgraded = where.builder(clock).build();
    upgraded.register(CUSTOMERS);
    try (Connection c = where.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT tenant, id, array_to_string(ARRAY(SELECT unnest(a_emails) ORDER BY 1),"
            + " ' ') FROM " + table + " ORDER BY tenant, id")) {
      List<String> rows = new java.util.ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + "/" + rs.getString(2) + ": " + rs.getString(3));
      }
      assertThat(rows).containsExactly(T1.value() + "/a: a2@x.org a@x.org", T1.value() + "/b: ",
          T2.value() + "/a: other@x.org");
    }
    assertThat(upgraded.count(T1, "customers", Criteria.eq("emails", "a2@x.org"))).isEqualTo(1);
    assertThat(upgraded.count(T1, "customers", Criteria.not(Criteria.exists("emails")))).isEqualTo(1);
    assertThat(upgraded.count(T1, "customers", Criteria.eq("emails", "other@x.org"))).isZero();
  }

  @Test
  void declaresItsCapabilities() {
    assertThat(store.capabilities()).contains(Capability.MULTI_DOCUMENT_TRANSACTIONS, Capability.HOST_TRANSACTIONS);
    assertThat(store.supports(Capability.DURABLE)).isEqualTo(kind() != TestDatabases.Kind.H2_MEMORY);
    assertThat(store.supports(Capability.SKIP_LOCKED)).isEqualTo(
        kind() == TestDatabases.Kind.POSTGRESQL || kind() == TestDatabases.Kind.MARIADB
            || kind() == TestDatabases.Kind.MYSQL);
    Optional<Document> none = store.get(T1, "customers", "zzz");
    assertThat(none).isEmpty();
  }
}
