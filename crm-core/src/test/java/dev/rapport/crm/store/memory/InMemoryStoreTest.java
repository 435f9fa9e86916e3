package dev.rapport.crm.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.CapabilityUnsupportedException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the in-memory store decides on its own; the kernel TCK in crm-testkit covers the SPI invariants. */
class InMemoryStoreTest {
  private static final TenantId T = TenantId.of("t1");
  private static final CollectionSpec THINGS = CollectionSpec.of("things",
      IndexSpec.unique("code", IndexType.STRING), IndexSpec.single("flag", IndexType.BOOLEAN));

  private final InMemoryStore store = InMemoryStore.create(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

  InMemoryStoreTest() {
    store.register(THINGS);
  }

  private static Document doc(String id, long version, String name, Map<String, List<Object>> index) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name);
    return new Document(id, version, body, index);
  }

  @Test
  void bodiesAreCopiedInAndOut() {
    Document d = doc("a", 1, "before", Map.of());
    store.commit(T, WriteBatch.builder().insert("things", d).build());
    d.body().put("name", "changed by caller after commit");
    Document read = store.get(T, "things", "a").orElseThrow();
    read.body().put("name", "changed by reader");
    assertThat(store.get(T, "things", "a").orElseThrow().body().get("name").asText()).isEqualTo("before");
  }

  @Test
  void twoDocumentsCanSwapAUniqueValueInOneBatch() {
    store.commit(T, WriteBatch.builder()
        .insert("things", doc("a", 1, "a", Map.of("code", List.of("X"))))
        .insert("things", doc("b", 1, "b", Map.of("code", List.of("Y"))))
        .build());
    store.commit(T, WriteBatch.builder()
        .update("things", doc("b", 2, "b", Map.of("code", List.of("X"))))
        .update("things", doc("a", 2, "a", Map.of("code", List.of("Y"))))
        .build());
    assertThat(store.findUnique(T, "things", "code", "X")).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo("b"));
    assertThat(store.findUnique(T, "things", "code", "Y")).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo("a"));
  }

  @Test
  void registerAcceptsAddedIndexesAndRejectsRemovedOnes() {
    CollectionSpec more = CollectionSpec.of("things", IndexSpec.unique("code", IndexType.STRING),
        IndexSpec.single("flag", IndexType.BOOLEAN), IndexSpec.single("rank", IndexType.LONG));
    store.register(THINGS);
    store.register(more);
    assertThat(store.collections()).containsExactly(more);
    assertThatThrownBy(() -> store.register(THINGS))
        .isInstanceOf(ValidationException.class);
    assertThat(store.collections()).containsExactly(more);
  }

  @Test
  void singleDocumentStoreRejectsTwoDocumentBatchAndWritesNothing() {
    InMemoryStore single = InMemoryStore.singleDocument(Clock.systemUTC());
    single.register(THINGS);
    assertThat(single.capabilities()).doesNotContain(Capability.MULTI_DOCUMENT_TRANSACTIONS);
    assertThatThrownBy(() -> single.commit(T, WriteBatch.builder()
        .insert("things", doc("a", 1, "a", Map.of()))
        .insert("things", doc("b", 1, "b", Map.of()))
        .build())).isInstanceOf(CapabilityUnsupportedException.class);
    assertThat(single.changes(T, 0, 10)).isEmpty();
  }

  @Test
  void releasedLeaseIsReacquiredWithANewToken() {
    Lease first = store.tryAcquire(T, "job", "node-1", Duration.ofMinutes(1)).orElseThrow();
    assertThat(store.release(T, first)).isTrue();
    assertThat(store.release(T, first)).isFalse();
    Lease again = store.tryAcquire(T, "job", "node-1", Duration.ofMinutes(1)).orElseThrow();
    assertThat(again.token()).isGreaterThan(first.token());
  }

  @Test
  void failedCommitLeavesNoTrace() {
    store.commit(T, WriteBatch.builder().insert("things", doc("a", 1, "a", Map.of("code", List.of("X")))).build());
    assertThatThrownBy(() -> store.commit(T, WriteBatch.builder()
        .insert("things", doc("b", 1, "b", Map.of()))
        .append("audit", "r1", "test", JsonNodeFactory.instance.objectNode())
        .delete("things", "a", 7)
        .build())).isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("things/a").hasMessageContaining("7").hasMessageContaining("1");
    assertThatThrownBy(() -> store.commit(T, WriteBatch.builder()
        .insert("things", doc("c", 1, "c", Map.of("code", List.of("X")))).build()))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(store.get(T, "things", "b")).isEmpty();
    assertThat(store.read(T, "audit", 0, 10)).isEmpty();
    assertThat(store.changes(T, 0, 10)).hasSize(1);
  }

  /** Keyset pages compare booleans although criteria may not: the cursor path must not reject them. */
  @Test
  void pagesThroughABooleanSort() {
    for (int i = 0; i < 5; i++) {
      Map<String, List<Object>> index = i == 2 ? Map.of() : Map.of("flag", List.of(i % 2 == 0));
      store.commit(T, WriteBatch.builder().insert("things", doc("d" + i, 1, "x", index)).build());
    }
    List<String> ids = new ArrayList<>();
    Query q = Query.of(Criteria.all(), Sort.desc("flag"), 2);
    Page<Document> page;
    do {
      page = store.query(T, "things", q);
      page.items().forEach(d -> ids.add(d.id()));
      q = q.after(page.nextCursor());
    } while (page.hasNext());
    assertThat(ids).containsExactly("d0", "d4", "d1", "d3", "d2");
  }

  /** The portable name limits of StoreChecks hold here too, so a host testing in memory meets them early. */
  @Test
  void streamAndLeaseNamesFollowThePortableLimits() {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    assertThatThrownBy(() -> store.read(T, "a.b", 0, 10)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.commit(T, WriteBatch.builder().append("a.b", "r1", "t", payload).build()))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.tryAcquire(T, "x".repeat(256), "node", Duration.ofSeconds(1)))
        .isInstanceOf(ValidationException.class);
    assertThat(store.commit(T, WriteBatch.builder().append("audit_2-x", "r1", "t", payload).build()).records())
        .hasSize(1);
  }

  @Test
  void unregisteredCollectionIsAValidationError() {
    assertThatThrownBy(() -> store.get(T, "nothing", "a"))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations().get(0).path()).isEqualTo("collection"));
  }
}
