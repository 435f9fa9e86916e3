package dev.rapport.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.CapabilityUnsupportedException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Cursor;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The rules and messages every store shares; the kernel TCK checks that each store applies them. */
class StoreChecksTest {
  private static final CollectionSpec THINGS = CollectionSpec.of("things",
      IndexSpec.unique("code", IndexType.STRING), IndexSpec.unique("amount", IndexType.DECIMAL),
      IndexSpec.single("flag", IndexType.BOOLEAN));
  private static final Function<String, CollectionSpec> SPECS = name -> name.equals("things") ? THINGS : null;
  private static final Set<Capability> MULTI = EnumSet.of(Capability.MULTI_DOCUMENT_TRANSACTIONS);
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private static Document doc(String id, long version, String field, Object... values) {
    return new Document(id, version, JsonNodeFactory.instance.objectNode(), Map.of(field, Arrays.asList(values)));
  }

  private static void assertViolation(Executable call, String path, String rule) {
    assertThatThrownBy(call::execute).isInstanceOfSatisfying(ValidationException.class, e -> {
      assertThat(e.violations()).hasSize(1);
      assertThat(e.violations().get(0).path()).isEqualTo(path);
      assertThat(e.violations().get(0).rule()).isEqualTo(rule);
    });
  }

  @Test
  void namesAndRegistrations() {
    assertViolation(() -> StoreChecks.registered("nope\u0000", null), "collection", "collection.unknown");
    assertThatThrownBy(() -> StoreChecks.registered("nope\u0000", null)).hasMessageContaining("'nope?'");
    assertThat(StoreChecks.registered("things", THINGS)).isSameAs(THINGS);
    assertViolation(() -> StoreChecks.checkCompatible(THINGS, CollectionSpec.of("things")), "collection.indexes",
        "collection.indexes.incompatible");
    StoreChecks.checkCompatible(null, THINGS);
    StoreChecks.checkStream("audit_records-2");
    for (String bad : List.of("", "a.b", "../x", "$cmd", "s".repeat(65))) {
      assertViolation(() -> StoreChecks.checkStream(bad), "stream", "stream.name");
    }
  }

  @Test
  void uniqueLookups() {
    assertThat(StoreChecks.checkUniqueLookup(THINGS, "amount", new BigDecimal("1.50"))).isEqualTo(new BigDecimal("1.5"));
    assertViolation(() -> StoreChecks.checkUniqueLookup(THINGS, "flag", true), "field", "index.notUnique");
    assertViolation(() -> StoreChecks.checkUniqueLookup(THINGS, "nope", "x"), "field", "index.notUnique");
    assertViolation(() -> StoreChecks.checkUniqueLookup(THINGS, "code", 1L), "value", "index.type");
  }

  @Test
  void batches() {
    assertViolation(() -> StoreChecks.checkBatch(WriteBatch.builder().insert("other", doc("a", 1, "code", "A"))
        .build(), SPECS, MULTI), "collection", "collection.unknown");
    assertViolation(() -> StoreChecks.checkBatch(WriteBatch.builder().insert("things", doc("a", 1, "code", 1L))
        .build(), SPECS, MULTI), "index.code", "index.type");
    var json = JsonNodeFactory.instance.objectNode();
    assertViolation(() -> StoreChecks.checkBatch(WriteBatch.builder().append("a.b", "r", "t", json).build(), SPECS,
        MULTI), "stream", "stream.name");
    assertViolation(() -> StoreChecks.checkBatch(WriteBatch.builder().append("s", "", "t", json).build(), SPECS,
        MULTI), "appends.id", "length");
    assertViolation(() -> StoreChecks.checkBatch(WriteBatch.builder().append("s", "r", "t".repeat(256), json).build(),
        SPECS, MULTI), "appends.type", "length");
    WriteBatch two = WriteBatch.builder().insert("things", doc("a", 1, "code", "A"))
        .insert("things", doc("b", 1, "code", "B")).build();
    StoreChecks.checkBatch(two, SPECS, MULTI);
    assertThatThrownBy(() -> StoreChecks.checkBatch(two, SPECS, Set.of()))
        .isInstanceOf(CapabilityUnsupportedException.class);
    // equal decimals of another scale are one value
    WriteBatch claimedTwice = WriteBatch.builder().insert("things", doc("a", 1, "amount", new BigDecimal("1.0")))
        .update("things", doc("b", 2, "amount", new BigDecimal("1.00"))).build();
    assertThatThrownBy(() -> StoreChecks.checkBatch(claimedTwice, SPECS, MULTI))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("amount"));
  }

  @Test
  void writesSayWhatTheChangeFeedRecords() {
    WriteBatch.Write insert = new WriteBatch.Insert("things", doc("a", 1, "code", "A"));
    WriteBatch.Write update = new WriteBatch.Update("things", doc("a", 3, "code", "A"));
    WriteBatch.Write delete = new WriteBatch.Delete("things", "a", 3);
    assertThat(List.of(insert.kind(), update.kind(), delete.kind()))
        .containsExactly(Change.Kind.INSERT, Change.Kind.UPDATE, Change.Kind.DELETE);
    assertThat(List.of(insert.version(), update.version(), delete.version())).containsExactly(1L, 3L, 3L);
    assertThat(delete.written()).isNull();
    assertThat(StoreChecks.versionConflict(update, 2, null)).hasMessage(
        "things/a: expected version 2 but the document does not exist");
    assertThat(StoreChecks.versionConflict(delete, 3, 4L)).hasMessage(
        "things/a: expected version 3 but the stored version is 4");

    var payload = JsonNodeFactory.instance.objectNode().put("n", 1);
    WriteBatch batch = WriteBatch.builder().write(update).append("events", "e1", "t", payload).build();
    Committed c = Committed.of(batch, NOW, i -> 10 + i, j -> 20 + j);
    assertThat(c.changes()).containsExactly(new Change(10, "things", "a", 3, Change.Kind.UPDATE, NOW));
    assertThat(c.records()).singleElement().satisfies(r -> {
      assertThat(r.position()).isEqualTo(20);
      assertThat(r.payload()).isEqualTo(payload).isNotSameAs(payload);
    });
  }

  @Test
  void leases() {
    assertViolation(() -> StoreChecks.checkLease("relay", "node-1", Duration.ZERO), "ttl", "lease.ttl");
    assertViolation(() -> StoreChecks.checkLease("", "node-1", Duration.ofSeconds(1)), "name", "length");
    assertViolation(() -> StoreChecks.checkLease("relay", "n".repeat(256), Duration.ofSeconds(1)), "owner", "length");
    assertThat(StoreChecks.leaseExpiry(NOW, Duration.ofNanos(1_500_000))).isEqualTo(NOW.plusMillis(1));

    Lease held = new Lease("relay", "a", 4, NOW.plusSeconds(1));
    assertThat(StoreChecks.leaseToken(null, 0, "a", NOW)).isEqualTo(OptionalLong.of(1));
    assertThat(StoreChecks.leaseToken(held, 4, "a", NOW.plusSeconds(5))).isEqualTo(OptionalLong.of(4));
    assertThat(StoreChecks.leaseToken(held, 4, "b", NOW)).isEmpty();
    assertThat(StoreChecks.leaseToken(held, 4, "b", NOW.plusSeconds(1))).isEqualTo(OptionalLong.of(5));

    WriteBatch.LeaseGuard guard = WriteBatch.LeaseGuard.of(held);
    StoreChecks.checkLeaseGuard(guard, held, NOW);
    assertThatThrownBy(() -> StoreChecks.checkLeaseGuard(guard, held, NOW.plusSeconds(1)))
        .isInstanceOf(VersionConflictException.class)
        .hasMessage("lease 'relay' is no longer held by 'a' with token 4");
    assertThatThrownBy(() -> StoreChecks.checkLeaseGuard(guard, null, NOW)).isInstanceOf(VersionConflictException.class);
  }

  @Test
  void keysetPages() {
    Query q = Query.of(Criteria.all(), Sort.asc("flag"), 2);
    assertThat(KeysetPaging.criteria(THINGS, q)).isEqualTo(Criteria.all());
    List<Document> fetched = List.of(doc("a", 1, "flag", false), doc("b", 1, "flag", true), doc("c", 1, "flag", true));
    var page = KeysetPaging.page(fetched, q);
    assertThat(page.items()).extracting(Document::id).containsExactly("a", "b");
    assertThat(Cursor.decode(page.nextCursor()).values()).containsExactly(true, "b");
    assertThat(KeysetPaging.page(fetched.subList(0, 2), q).hasNext()).isFalse();
    KeysetPaging.criteria(THINGS, q.after(page.nextCursor()));
    // a cursor of another sort, a wrong type, a missing id
    List<List<Object>> bad = List.of(List.of("b"), List.of("x", "b"), Arrays.asList(true, null));
    for (List<Object> values : bad) {
      assertViolation(() -> KeysetPaging.criteria(THINGS, q.after(new Cursor(values).encode())), "cursor",
          "cursor.invalid");
    }
    assertViolation(() -> KeysetPaging.criteria(THINGS, Query.of(Criteria.eq("nope", "x"), Sort.byId(), 1)),
        "criteria.nope", "criteria.field.unknown");
  }
}
