package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Unique fields: holding a unique value twice in a tenant fails with {@link DuplicateKeyException} naming the
 * collection and the index ({@code id} for document and stream record ids), whatever the vendor's error looks like.
 */
public abstract class UniqueIndexContract extends KernelContract {

  private static void assertDuplicate(ThrowingCallable call, String collection, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DuplicateKeyException.class, e -> {
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.collection()).isEqualTo(collection);
    });
  }

  private String idHolding(String field, Object value) {
    return store.findUnique(tenant, THINGS, field, value).map(Document::id).orElse("<none>");
  }

  @Test
  void duplicateSingleValuedUniqueValueNamesTheField() {
    insert(thing("a").with("code", "C-1").build());

    assertDuplicate(() -> insert(thing("b").with("code", "C-1").build()), THINGS, "code");
    assertThat(store.get(tenant, THINGS, "b")).isEmpty();
    assertThat(allChanges(tenant)).hasSize(1);
  }

  @Test
  void duplicateValueOfAMultiValuedUniqueFieldNamesTheField() {
    insert(thing("a").with("emails", "x@example.com", "y@example.com").build());

    assertDuplicate(() -> insert(thing("b").with("emails", "z@example.com", "y@example.com").build()), THINGS, "emails");
    assertThat(store.get(tenant, THINGS, "b")).isEmpty();
    assertThat(store.findUnique(tenant, THINGS, "emails", "z@example.com")).isEmpty();
  }

  @Test
  void duplicateDocumentIdNamesId() {
    insert(thing("a").build());

    assertDuplicate(() -> insert(thing("a").with("name", "again").build()), THINGS, "id");
    assertThat(store.get(tenant, THINGS, "a").orElseThrow().values("name")).isEmpty();
  }

  @Test
  void duplicateStreamRecordIdNamesIdAndOtherStreamsMayReuseIt() {
    commit(WriteBatch.builder().append(EVENTS, "r1", "first", json()));

    assertDuplicate(() -> commit(WriteBatch.builder().append(EVENTS, "r1", "again", json())), EVENTS, "id");
    commit(WriteBatch.builder().append("audit", "r1", "other stream", json()));
    assertThat(allRecords(tenant, EVENTS)).hasSize(1);
    assertThat(allRecords(tenant, "audit")).hasSize(1);
  }

  @Test
  void duplicateValuesWithinOneBatchAreRejected() {
    assumeMultiDocumentTransactions();

    assertDuplicate(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("a").with("code", "same").build())
        .insert(THINGS, thing("b").with("code", "same").build())), THINGS, "code");
    assertDuplicate(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("a").with("emails", "p@example.com", "q@example.com").build())
        .insert(THINGS, thing("b").with("emails", "q@example.com").build())), THINGS, "emails");
    assertThat(allChanges(tenant)).isEmpty();
  }

  @Test
  void updateToAValueHeldByAnotherDocumentIsRejected() {
    insert(thing("a").with("code", "A").build(), thing("b").with("code", "B").build());

    assertDuplicate(() -> commit(WriteBatch.builder().update(THINGS, thing("b").version(2).with("code", "A").build())),
        THINGS, "code");
    assertThat(store.get(tenant, THINGS, "b").orElseThrow().values("code")).containsExactly("B");
    assertThat(idHolding("code", "A")).isEqualTo("a");
  }

  @Test
  void documentMayKeepItsOwnUniqueValuesOnUpdate() {
    insert(thing("a").with("code", "A").with("emails", "a@example.com").build());

    commit(WriteBatch.builder().update(THINGS,
        thing("a").version(2).with("code", "A").with("emails", "a@example.com", "a2@example.com").build()));
    assertThat(idHolding("emails", "a2@example.com")).isEqualTo("a");
    assertThat(idHolding("code", "A")).isEqualTo("a");
  }

  @Test
  void updateThatFreesAValueLetsAnotherDocumentTakeIt() {
    insert(thing("a").with("code", "C").with("emails", "shared@example.com", "a@example.com").build());

    commit(WriteBatch.builder().update(THINGS, thing("a").version(2).with("code", "D").with("emails", "a@example.com").build()));
    insert(thing("b").with("code", "C").with("emails", "shared@example.com").build());

    assertThat(idHolding("code", "C")).isEqualTo("b");
    assertThat(idHolding("code", "D")).isEqualTo("a");
    assertThat(idHolding("emails", "shared@example.com")).isEqualTo("b");
  }

  @Test
  void deleteFreesItsValues() {
    insert(thing("a").with("code", "C").with("emails", "a@example.com").build());
    commit(WriteBatch.builder().delete(THINGS, "a", 1));

    insert(thing("b").with("code", "C").with("emails", "a@example.com").build());
    assertThat(idHolding("code", "C")).isEqualTo("b");
  }

  @Test
  void valueMovedBetweenDocumentsInOneBatch() {
    assumeMultiDocumentTransactions();
    insert(thing("a").with("code", "C").build(), thing("b").build());

    commit(WriteBatch.builder()
        .update(THINGS, thing("b").version(2).with("code", "C").build())
        .update(THINGS, thing("a").version(2).build()));
    assertThat(idHolding("code", "C")).isEqualTo("b");
  }

  @Test
  void uniqueValuesAreScopedPerTenant() {
    TenantId other = freshTenant();
    insert(thing("a").with("code", "C").with("emails", "e@example.com").build());
    insert(other, thing("b").with("code", "C").with("emails", "e@example.com").build());

    assertThat(idHolding("code", "C")).isEqualTo("a");
    assertThat(store.findUnique(other, THINGS, "code", "C").map(Document::id)).contains("b");
  }

  @Test
  void findUniqueFindsByEveryValueOfAMultiValuedField() {
    insert(thing("a").with("emails", "one@example.com", "two@example.com").build());

    assertThat(idHolding("emails", "one@example.com")).isEqualTo("a");
    assertThat(idHolding("emails", "two@example.com")).isEqualTo("a");
    assertThat(store.findUnique(tenant, THINGS, "emails", "three@example.com")).isEqualTo(Optional.empty());
  }

  @Test
  void findUniqueOnANonUniqueOrUnknownFieldIsRejected() {
    assertThatThrownBy(() -> store.findUnique(tenant, THINGS, "name", "x")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.findUnique(tenant, THINGS, "nosuchfield", "x")).isInstanceOf(ValidationException.class);
  }
}
