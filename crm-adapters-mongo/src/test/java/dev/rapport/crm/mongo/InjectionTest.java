package dev.rapport.crm.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.WriteBatch;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operator-shaped values match only themselves, literally; odd field names are rejected before any filter is
 * built; nothing else ever matches.
 */
class InjectionTest {
  static TestMongo mongo;
  static MongoStore store;
  static final TenantId T = TenantId.of("inj");
  static final List<String> VALUES = List.of("{\"$ne\": null}", "$ne", "{\"$gt\": \"\"}", "{\"$where\": \"sleep(100)\"}",
      ".*", "^", "a|b", "\\", "$regex", "(?i)A", "[a-z]+", "\\Q.*\\E", "a\u0000b", "this.x == 1", "' || '1'=='1");

  @BeforeAll
  static void start() {
    mongo = TestMongo.inMemory();
    store = MongoStore.builder(mongo.client, TestMongo.freshDatabase()).build();
    store.register(MongoStoreTest.THINGS);
    int i = 0;
    for (String v : VALUES) {
      store.commit(T, WriteBatch.builder().insert("things",
          MongoStoreTest.doc("d" + i++, 1, "name", v, "tags", List.of(v, "plain"))).build());
    }
    store.commit(T, WriteBatch.builder().insert("things", MongoStoreTest.doc("abc", 1, "name", "abc")).build());
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  @Test
  void operatorShapedValuesMatchOnlyThemselves() {
    for (int i = 0; i < VALUES.size(); i++) {
      String v = VALUES.get(i);
      assertThat(ids(Criteria.eq("name", v))).as("eq %s", v).containsExactly("d" + i);
      assertThat(ids(Criteria.eq("tags", v))).as("tags eq %s", v).containsExactly("d" + i);
      assertThat(ids(Criteria.in("name", v))).as("in %s", v).containsExactly("d" + i);
      assertThat(ids(Criteria.eq("id", v))).as("id %s", v).isEmpty();
      assertThat(store.findUnique(T, "things", "code", v)).isEmpty();
    }
  }

  @Test
  void regexPayloadsInPrefixesAreLiteral() {
    assertThat(ids(Criteria.prefix("name", ".*"))).containsExactly("d4");
    assertThat(ids(Criteria.prefix("name", "^"))).containsExactly("d5");
    assertThat(ids(Criteria.prefix("name", "a|"))).containsExactly("d6");
    assertThat(ids(Criteria.prefix("name", "\\"))).containsExactlyInAnyOrder("d7", "d11");
    assertThat(ids(Criteria.prefix("name", "$"))).containsExactlyInAnyOrder("d1", "d8");
    assertThat(ids(Criteria.prefix("name", "(?i)"))).containsExactly("d9");
    assertThat(ids(Criteria.prefix("name", "[a-z]"))).containsExactly("d10");
    assertThat(ids(Criteria.prefix("name", "a\u0000"))).containsExactly("d12");
    assertThat(ids(Criteria.prefix("name", "{\"$"))).containsExactlyInAnyOrder("d0", "d2", "d3");
    assertThat(ids(Criteria.prefix("name", "A"))).isEmpty();
  }

  @Test
  void oddFieldNamesAreRejected() {
    String longName = "f".repeat(10_000);
    for (String f : List.of("a.b", "$set", "", "$where", "ix.name", "name.$", "body", "_id", "tenant", longName,
        "name\u0000", "u.code")) {
      assertThatThrownBy(() -> store.count(T, "things", Criteria.eq(f, "x"))).as("field %s", f)
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> store.query(T, "things", Query.of(Criteria.all(), Sort.asc(f), 10)))
          .isInstanceOf(ValidationException.class);
    }
    assertThatThrownBy(() -> store.count(T, "$cmd", Criteria.all())).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.read(T, "../x", 0, 10)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.read(T, "a.b", 0, 10)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.query(T, "things", Query.of(Criteria.all(), Sort.byId(), 10).after("eyJ4Ijp9")))
        .isInstanceOf(ValidationException.class);
  }

  private List<String> ids(Criteria c) {
    return store.query(T, "things", Query.of(c, Sort.byId(), 100)).items().stream().map(d -> d.id()).toList();
  }
}
