package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSet;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.WriteBatch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Declared index sets: a store answers criteria and sorts on the fields its collection's set makes queryable (alone,
 * as a composite index's key, or unique) and refuses the others naming the field; a collection registered again with
 * another set answers on the new set, over the same data, with the same results. The physical indexes are each
 * adapter's own tests (they read the database's catalog).
 */
public abstract class IndexSetContract extends KernelContract {
  /** A collection of its own: registering it with one set and another does not disturb the other contracts. */
  public static final String LISTED = "listed";

  private static final List<IndexSpec> FIELDS = List.of(
      IndexSpec.single("stage", IndexType.STRING).withMaxLength(40),
      IndexSpec.single("region", IndexType.STRING).withMaxLength(100),
      IndexSpec.single("name", IndexType.STRING),
      IndexSpec.single("rank", IndexType.LONG),
      IndexSpec.single("at", IndexType.INSTANT),
      IndexSpec.multi("tags", IndexType.STRING),
      IndexSpec.unique("code", IndexType.STRING),
      IndexSpec.single("note", IndexType.STRING));

  private static final CompositeIndex BY_STAGE_REGION_NAME = CompositeIndex.of("byStageRegionName",
      Sort.asc("stage").thenAsc("region").thenAsc("name"));
  private static final CompositeIndex BY_RANK_RECENT = CompositeIndex.of("byRankRecent",
      Sort.desc("rank").thenDesc("at"));

  /** The list views' set: two composite indexes and tags alone; code is unique. */
  static final CollectionSpec LISTS = new CollectionSpec(LISTED, FIELDS,
      IndexSet.of("tags").with(BY_STAGE_REGION_NAME).with(BY_RANK_RECENT));
  /** Another set over the same fields: names and times alone, no composite index. */
  static final CollectionSpec PLAIN = new CollectionSpec(LISTED, FIELDS, IndexSet.of("name", "at"));

  private void load() {
    String[] stages = {"LEAD", "ACTIVE"};
    String[] regions = {"EMEA", "APAC", "AMER"};
    WriteBatch.Builder batch = WriteBatch.builder();
    for (int i = 0; i < 24; i++) {
      String name = "n" + (char) ('a' + (i * 7) % 24);
      var body = JsonNodeFactory.instance.objectNode().put("name", name);
      batch.insert(LISTED, new Document(String.format("l%02d", i), 1, body, Document.indexValues()
          .put("stage", stages[i % 2]).put("region", regions[i % 3]).put("name", name).put("rank", (long) (i % 4))
          .put("at", Instant.parse(START).plusSeconds(i)).putAll("tags", List.of("t" + (i % 5)))
          .put("code", "c" + i).put("note", "x").build()));
      if (!supportsMultiDocument()) {
        store.commit(tenant, batch.build());
        batch = WriteBatch.builder();
      }
    }
    if (supportsMultiDocument()) {
      store.commit(tenant, batch.build());
    }
  }

  private List<String> ids(Criteria c, Sort sort) {
    return store.query(tenant, LISTED, Query.of(c, sort, 100)).items().stream().map(Document::id).toList();
  }

  @Test
  void aPageOnACompositeIndexsKeysComesBackInItsOrderAndOtherFieldsAreRefusedByName() {
    store.register(LISTS);
    load();
    // stage LEAD = even i, region EMEA = i % 3 == 0: i in 0, 6, 12, 18; names n + letter (7i mod 24): a, s, m, g
    assertThat(ids(Criteria.and(Criteria.eq("stage", "LEAD"), Criteria.eq("region", "EMEA")), Sort.asc("name")))
        .containsExactly("l00", "l18", "l12", "l06");
    assertThat(ids(Criteria.eq("rank", 3L), Sort.desc("rank").thenDesc("at")))
        .containsExactly("l23", "l19", "l15", "l11", "l07", "l03");
    assertThat(store.count(tenant, LISTED, Criteria.tagSubtree("tags", "t1"))).isEqualTo(5);
    assertThat(store.findUnique(tenant, LISTED, "code", "c7")).map(Document::id).contains("l07");

    assertThatThrownBy(() -> store.count(tenant, LISTED, Criteria.eq("note", "x")))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path, ValidationException.Violation::rule)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("criteria.note", "criteria.field.unindexed")));
    assertThatThrownBy(() -> store.query(tenant, LISTED, Query.of(Criteria.all(), Sort.asc("note"), 10)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::rule).containsExactly("sort.field.unindexed"));
  }

  @Test
  void aCollectionRegisteredAgainWithAnotherSetAnswersOnTheNewSetOverTheSameData() {
    store.register(LISTS);
    load();
    List<String> byName = ids(Criteria.prefix("name", "n"), Sort.asc("name"));

    store.register(PLAIN);
    assertThat(ids(Criteria.prefix("name", "n"), Sort.asc("name"))).isEqualTo(byName).hasSize(24);
    assertThat(ids(Criteria.lt("at", Instant.parse(START).plusSeconds(3)), Sort.desc("at")))
        .containsExactly("l02", "l01", "l00");
    assertThatThrownBy(() -> store.count(tenant, LISTED, Criteria.eq("stage", "LEAD")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("'stage'");

    store.register(LISTS);
    assertThat(store.count(tenant, LISTED, Criteria.and(Criteria.eq("stage", "LEAD"),
        Criteria.eq("region", "EMEA")))).isEqualTo(4);
  }
}
