package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Atomicity: a batch writes all of its documents, stream records and lease check, or nothing. Multi-document
 * batches are tested only on stores declaring {@code MULTI_DOCUMENT_TRANSACTIONS}; one document with appends is
 * atomic on every store.
 */
public abstract class TransactionContract extends KernelContract {

  @Test
  void insertedDocumentReadsBackWithBodyAndIndexValues() {
    ObjectNode body = json().put("text", "Grüße 中文 𠀀 \"quoted\" \\ back").put("big", new BigDecimal("12345678901234567890.123"));
    body.putObject("nested").putArray("list").add(1).add("two").addNull();
    Document doc = new Document("a", 1, body, thing("a")
        .with("name", "Ünïcödé 中文")
        .with("rank", 42L)
        .with("amount", new BigDecimal("1.50"))
        .with("at", Instant.parse("2030-05-06T07:08:09.123Z"))
        .with("flag", true)
        .with("tags", "x", "y/z")
        .with("code", "C-1")
        .with("emails", "a@example.com", "b@example.com")
        .build().index());
    insert(doc);

    Document read = store.get(tenant, THINGS, "a").orElseThrow();
    assertThat(read.id()).isEqualTo("a");
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.body()).isEqualTo(body);
    assertThat(read.values("name")).containsExactly("Ünïcödé 中文");
    assertThat(read.values("rank")).containsExactly(42L);
    assertThat(read.values("amount")).containsExactly(new BigDecimal("1.5"));
    assertThat(read.values("at")).containsExactly(Instant.parse("2030-05-06T07:08:09.123Z"));
    assertThat(read.values("flag")).containsExactly(true);
    assertThat(read.values("code")).containsExactly("C-1");
    // multi-valued values serve queries and are not returned (Document#asRead), on every store alike
    assertThat(read.index()).doesNotContainKeys("tags", "emails");
    assertThat(store.count(tenant, THINGS, Criteria.eq("tags", "y/z"))).isEqualTo(1);
    assertThat(store.count(tenant, THINGS, Criteria.eq("emails", "b@example.com"))).isEqualTo(1);
  }

  @Test
  void documentsHandedOutAndInAreCopies() {
    Document doc = thing("a").body("state", "stored").build();
    insert(doc);
    doc.body().put("state", "changed by the writer after commit");
    store.get(tenant, THINGS, "a").orElseThrow().body().put("state", "changed by a reader");

    assertThat(store.get(tenant, THINGS, "a").orElseThrow().body().get("state").asText()).isEqualTo("stored");
  }

  @Test
  void oneDocumentWithAppendsCommitsTogether() {
    Committed c = commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .append(EVENTS, "e1", "created", json().put("n", 1))
        .append("audit", "r1", "audit", json().put("n", 2)));

    assertThat(c.changes()).singleElement().satisfies(ch -> {
      assertThat(ch.id()).isEqualTo("a");
      assertThat(ch.kind()).isEqualTo(Change.Kind.INSERT);
    });
    assertThat(c.records()).extracting(r -> r.stream() + "/" + r.id()).containsExactly(EVENTS + "/e1", "audit/r1");
    assertThat(store.get(tenant, THINGS, "a")).isPresent();
    assertThat(allRecords(tenant, EVENTS)).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo("created");
      assertThat(r.payload()).isEqualTo(json().put("n", 1));
    });
    assertThat(allRecords(tenant, "audit")).hasSize(1);
  }

  @Test
  void oneDocumentWithAppendsFailingOnADuplicateRecordWritesNothing() {
    commit(WriteBatch.builder().append(EVENTS, "e1", "first", json()));

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .append("audit", "r1", "audit", json())
        .append(EVENTS, "e1", "again", json())))
        .isInstanceOf(DuplicateKeyException.class);

    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
    assertThat(allRecords(tenant, "audit")).isEmpty();
    assertThat(allRecords(tenant, EVENTS)).extracting(r -> r.type()).containsExactly("first");
    assertThat(allChanges(tenant)).isEmpty();
  }

  @Test
  void oneStaleUpdateWithAppendsWritesNothing() {
    insert(thing("a").with("name", "original").build());
    commit(WriteBatch.builder().update(THINGS, thing("a").version(2).with("name", "second").build()));

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .update(THINGS, thing("a").version(2).with("name", "stale").build())
        .append(EVENTS, "e1", "changed", json())))
        .isInstanceOf(VersionConflictException.class);

    assertThat(store.get(tenant, THINGS, "a").orElseThrow().values("name")).containsExactly("second");
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    assertThat(allChanges(tenant)).hasSize(2);
  }

  @Test
  void batchWithAFailingLastWriteLeavesNoDocumentNoRecordAndNoChange() {
    assumeMultiDocumentTransactions();
    insert(thing("x").with("name", "x1").build());
    List<Change> before = allChanges(tenant);

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .insert(THINGS, thing("b").build())
        .delete(THINGS, "x", 1)
        .append(EVENTS, "e1", "created", json())
        .append("audit", "r1", "audit", json())
        .update(THINGS, thing("missing").version(2).build())))
        .isInstanceOf(VersionConflictException.class);

    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
    assertThat(store.get(tenant, THINGS, "b")).isEmpty();
    assertThat(store.get(tenant, THINGS, "x")).isPresent();
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    assertThat(allRecords(tenant, "audit")).isEmpty();
    assertThat(allChanges(tenant)).isEqualTo(before);
  }

  @Test
  void batchFailingOnAUniqueValueLeavesNothing() {
    assumeMultiDocumentTransactions();
    insert(thing("holder").with("code", "C").build());

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .append(EVENTS, "e1", "created", json())
        .insert(THINGS, thing("b").with("code", "C").build())))
        .isInstanceOf(DuplicateKeyException.class);

    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
    assertThat(store.get(tenant, THINGS, "b")).isEmpty();
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    assertThat(allChanges(tenant)).hasSize(1);
  }

  @Test
  void multiDocumentBatchAppliesEveryWrite() {
    assumeMultiDocumentTransactions();
    insert(thing("u").with("name", "old").build(), thing("d").build());

    Committed c = commit(WriteBatch.builder()
        .insert(THINGS, thing("i").build())
        .update(THINGS, thing("u").version(2).with("name", "new").build())
        .delete(THINGS, "d", 1)
        .append(EVENTS, "e1", "batch", json()));

    assertThat(c.changes()).extracting(Change::id, Change::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("i", Change.Kind.INSERT),
        org.assertj.core.groups.Tuple.tuple("u", Change.Kind.UPDATE),
        org.assertj.core.groups.Tuple.tuple("d", Change.Kind.DELETE));
    assertThat(store.get(tenant, THINGS, "i")).isPresent();
    assertThat(store.get(tenant, THINGS, "u").orElseThrow().values("name")).containsExactly("new");
    assertThat(store.get(tenant, THINGS, "d")).isEmpty();
    assertThat(allRecords(tenant, EVENTS)).hasSize(1);
  }

  @Test
  void unknownCollectionIsRejectedAndNothingIsWritten() {
    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .insert("nosuchcollection", thing("a").build())
        .append(EVENTS, "e1", "created", json())))
        .isInstanceOf(ValidationException.class);

    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    assertThat(allChanges(tenant)).isEmpty();
  }

  @Test
  void undeclaredOrMistypedIndexValueIsRejectedAndNothingIsWritten() {
    assertThatThrownBy(() -> insert(thing("a").with("undeclared", "x").build()))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> insert(thing("a").with("rank", "not a number").build()))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> insert(thing("a").with("name", "one", "two").build()))
        .isInstanceOf(ValidationException.class);

    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
    assertThat(allChanges(tenant)).isEmpty();
  }
}
