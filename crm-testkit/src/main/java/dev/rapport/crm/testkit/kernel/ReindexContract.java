package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Store#reindex}: index values computed again are written over the stored ones, single-valued, multi-valued
 * and unique alike, while the body, the version and the change feed stay as they were; a document changed or
 * deleted since its values were computed is skipped; a unique value held by another document is a duplicate.
 */
public abstract class ReindexContract extends KernelContract {

  @Test
  void rewritesEveryKindOfIndexValueAndLeavesBodyVersionAndFeedAlone() {
    insert(thing("a").with("name", "old").with("tags", "x").with("code", "C1").with("emails", "a@x.org").build());
    Document stored = store.get(tenant, THINGS, "a").orElseThrow();
    int changes = allChanges(tenant).size();

    Document computed = thing("a").with("name", "new").with("rank", 7L).with("tags", "y", "z").with("code", "C2")
        .with("emails", "b@x.org").body("ignored", "a reindex keeps the stored body").build();
    assertThat(store.reindex(tenant, THINGS, List.of(computed))).isEqualTo(1);

    Document read = store.get(tenant, THINGS, "a").orElseThrow();
    assertThat(read.body()).isEqualTo(stored.body());
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.values("name")).containsExactly("new");
    assertThat(read.values("rank")).containsExactly(7L);
    assertThat(ids(Criteria.eq("tags", "z"))).containsExactly("a");
    assertThat(ids(Criteria.eq("tags", "x"))).isEmpty();
    assertThat(ids(Criteria.eq("name", "old"))).isEmpty();
    assertThat(store.findUnique(tenant, THINGS, "code", "C2")).isPresent();
    assertThat(store.findUnique(tenant, THINGS, "code", "C1")).isEmpty();
    assertThat(store.findUnique(tenant, THINGS, "emails", "b@x.org")).isPresent();
    assertThat(store.findUnique(tenant, THINGS, "emails", "a@x.org")).isEmpty();
    assertThat(allChanges(tenant)).hasSize(changes);
    // the freed values are free for others
    insert(thing("b").with("code", "C1").with("emails", "a@x.org").build());
    assertThat(store.findUnique(tenant, THINGS, "code", "C1").orElseThrow().id()).isEqualTo("b");
  }

  @Test
  void aDocumentChangedOrDeletedSinceItsValuesWereComputedIsSkipped() {
    insert(thing("a").with("name", "a1").build(), thing("b").with("name", "b1").build());
    store.commit(tenant, WriteBatch.builder().update(THINGS, thing("a").version(2).with("name", "a2").build())
        .build());
    store.commit(tenant, WriteBatch.builder().delete(THINGS, "b", 1).build());

    int rewritten = store.reindex(tenant, THINGS, List.of(thing("a").with("name", "stale").build(),
        thing("b").with("name", "stale").build(), thing("never-stored").with("name", "stale").build()));

    assertThat(rewritten).isZero();
    assertThat(store.get(tenant, THINGS, "a").orElseThrow().values("name")).containsExactly("a2");
    assertThat(store.get(tenant, THINGS, "b")).isEmpty();
    assertThat(store.get(tenant, THINGS, "never-stored")).isEmpty();
    assertThat(ids(Criteria.eq("name", "stale"))).isEmpty();
  }

  @Test
  void aUniqueValueHeldByAnotherDocumentIsADuplicateNamingTheField() {
    insert(thing("a").with("code", "C1").with("emails", "a@x.org").build(),
        thing("b").with("code", "C2").with("emails", "b@x.org").build());

    assertThatThrownBy(() -> store.reindex(tenant, THINGS, List.of(thing("b").with("code", "C1").build())))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("code"));
    assertThatThrownBy(() -> store.reindex(tenant, THINGS,
        List.of(thing("b").with("code", "C2").with("emails", "a@x.org").build())))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("emails"));

    assertThat(store.findUnique(tenant, THINGS, "code", "C2").orElseThrow().id()).isEqualTo("b");
    assertThat(store.findUnique(tenant, THINGS, "emails", "b@x.org").orElseThrow().id()).isEqualTo("b");
    assertThat(store.findUnique(tenant, THINGS, "code", "C1").orElseThrow().id()).isEqualTo("a");
  }

  @Test
  void anUnknownCollectionOrAnUndeclaredFieldIsRefused() {
    insert(thing("a").with("name", "a").build());
    assertThatThrownBy(() -> store.reindex(tenant, "nowhere", List.of()))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations().get(0).rule()).isEqualTo("collection.unknown"));
    assertThatThrownBy(() -> store.reindex(tenant, THINGS, List.of(thing("a").with("undeclared", "x").build())))
        .isInstanceOf(ValidationException.class).hasMessageContaining("undeclared");
    assertThat(store.get(tenant, THINGS, "a").orElseThrow().values("name")).containsExactly("a");
  }
}
