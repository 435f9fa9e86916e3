package dev.rapport.crm.jdbc;

import dev.rapport.crm.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.WriteBatch;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SQL-injection payloads as criteria values, prefixes, sort and field names, collection names and stream names. Values
 * must match only the document that holds exactly that text (they are bound, never spliced); names must be rejected
 * before any SQL exists; and afterwards every table and row is still there.
 */
class InjectionCorpusTest {
  static final List<String> PAYLOADS = List.of(
      "' OR '1'='1", "' OR 1=1 --", "'; DROP TABLE rapport_doc_people; --", "\"; DROP TABLE rapport_change; --",
      "1; DELETE FROM rapport_doc_people", "' UNION SELECT id, version, body, idx FROM rapport_doc_people --",
      "%", "_", "!", "%' OR 'x' LIKE '%", "\\'; SELECT pg_sleep(1); --", "' AND SLEEP(1) #", "`; DROP DATABASE x; `",
      "name) VALUES ('x'); --", "0x27", "' || (SELECT version()) || '", "/* */", "$$ ; DROP TABLE x; $$",
      "admin'--", "') OR ('a'='a", "region", "id", "d.id", "1=1", "tenant");
  private static final TenantId T = TenantId.of("inj");
  private static final CollectionSpec PEOPLE = CollectionSpec.of("people",
      IndexSpec.single("name", IndexType.STRING), IndexSpec.multi("tags", IndexType.STRING),
      IndexSpec.unique("code", IndexType.STRING));

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void payloadsNeverChangeTheStatement(TestDatabases.Kind kind) {
    JdbcStore store = TestDatabases.store(kind, MutableClock.at("2026-01-01T00:00:00Z")).build();
    store.register(PEOPLE);
    WriteBatch.Builder b = WriteBatch.builder();
    for (int i = 0; i < PAYLOADS.size(); i++) {
      String p = PAYLOADS.get(i);
      b.insert("people", new Document("p" + i, 1, JsonNodeFactory.instance.objectNode().put("name", p),
          Document.indexValues().put("name", p).put("code", p).putAll("tags", List.of(p, "t" + i)).build()));
      b.append("audit-" + i, p, p, JsonNodeFactory.instance.objectNode().put("p", p));
    }
    store.commit(T, b.build());

    for (int i = 0; i < PAYLOADS.size(); i++) {
      String p = PAYLOADS.get(i);
      String id = "p" + i;
      assertThat(ids(store, Criteria.eq("name", p))).as(p).containsExactly(id);
      assertThat(ids(store, Criteria.eq("tags", p))).as(p).containsExactly(id);
      assertThat(ids(store, Criteria.in("name", p, "nobody"))).as(p).containsExactly(id);
      assertThat(ids(store, Criteria.eq("id", p))).as(p).isEmpty();
      assertThat(store.findUnique(T, "people", "code", p).orElseThrow().id()).isEqualTo(id);
      long prefixed = PAYLOADS.stream().filter(x -> x.startsWith(p)).count();
      assertThat(store.count(T, "people", Criteria.prefix("name", p))).as(p).isEqualTo(prefixed);
      assertThat(store.count(T, "people", Criteria.not(Criteria.eq("name", p)))).isEqualTo(PAYLOADS.size() - 1);
      assertThat(store.read(T, "audit-" + i, 0, 10)).singleElement()
          .satisfies(r -> assertThat(r.id()).isEqualTo(p));

      if (!p.equals("id") && !p.equals("name")) {
        assertThatThrownBy(() -> store.count(T, "people", Criteria.eq(p, "x")))
            .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> store.query(T, "people", Query.of(Criteria.all(), Sort.asc(p), 10)))
            .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> store.query(T, "people", Query.of(Criteria.exists(p), Sort.byId(), 10)))
            .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> store.findUnique(T, "people", p, "x")).isInstanceOf(ValidationException.class);
      }
      assertThatThrownBy(() -> store.get(T, p, "x")).isInstanceOf(ValidationException.class);
      if (!p.matches("[a-z][a-z0-9_]*")) {
        assertThatThrownBy(() -> CollectionSpec.of(p)).isInstanceOf(ValidationException.class);
      }
      assertThatThrownBy(() -> store.query(T, "people", Query.of(Criteria.all(), Sort.byId(), 10).after(p)))
          .isInstanceOf(ValidationException.class);
    }

    // nothing was dropped or deleted
    assertThat(store.count(T, "people", Criteria.all())).isEqualTo(PAYLOADS.size());
    assertThat(store.changes(T, 0, 1000)).hasSize(PAYLOADS.size());
  }

  private static List<String> ids(JdbcStore store, Criteria c) {
    return store.query(T, "people", Query.of(c, Sort.byId(), 100)).items().stream().map(Document::id).toList();
  }
}
