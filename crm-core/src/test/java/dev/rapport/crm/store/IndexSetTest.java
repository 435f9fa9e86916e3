package dev.rapport.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.CaseFields;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Declared index sets: what a host indexes is what it may query, and mistakes are named. */
class IndexSetTest {
  private final Actor alice = Actor.of("acme", "alice");

  private static Crm.Builder builder() {
    return Crm.builder().store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).publishAfterCommit(false);
  }

  @Test
  void theDefaultSetServesTheStandardListsAndRefusesTheRestNamingTheField() {
    Crm crm = builder().build();
    crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada").grade("A").owner("bob")
        .tag("segment/vip").email("ada@example.com").phone("+44 20 7946 0958").externalRef("ERP", "7").build());
    crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Bo").build());

    // every field of the default set answers, and finds the one customer that has a value (or both for those
    // every customer has)
    for (String field : List.of(CustomerFields.OWNER, CustomerFields.TAGS, CustomerFields.EMAILS,
        CustomerFields.PHONES, CustomerFields.EXTERNAL_REFS)) {
      assertThat(crm.customers().count(alice, Criteria.exists(field))).as(field).isEqualTo(1);
    }
    for (String field : List.of(CustomerFields.NAME, CustomerFields.STAGE, CustomerFields.UPDATED_AT,
        CustomerFields.DELETED)) {
      assertThat(crm.customers().count(alice, Criteria.exists(field))).as(field).isEqualTo(2);
    }
    assertThatThrownBy(() -> crm.customers().count(alice, Criteria.eq(CustomerFields.GRADE, "A")))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path, ValidationException.Violation::rule)
            .containsExactly(tuple("criteria.grade", "criteria.field.unindexed")))
        .hasMessageContaining("field 'grade' of collection 'customers' is not indexed");
    assertThatThrownBy(() -> crm.customers().find(alice,
        Query.of(Criteria.all(), Sort.asc(CustomerFields.CREATED_AT), 10)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path, ValidationException.Violation::rule)
            .containsExactly(tuple("sort.createdAt", "sort.field.unindexed")));
  }

  @Test
  void aHostSetReplacesTheDefaultButKeepsWhatRapportsOwnQueriesNeed() {
    Crm crm = builder().indexes(CustomerFields.COLLECTION, IndexSet.none()
        .with(CompositeIndex.of("byGradeName", Sort.asc(CustomerFields.GRADE).thenAsc(CustomerFields.NAME)))).build();
    Customer ada = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada").grade("A")
        .externalRef("ERP", "42").build());
    crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Bo").grade("B").build());

    // both keys of the composite index are queryable; deleted (every query) and externalRefs (unique) stay indexed
    assertThat(crm.customers().find(alice, Query.of(Criteria.eq(CustomerFields.GRADE, "A"),
        Sort.asc(CustomerFields.NAME), 10)).items()).extracting(Customer::id).containsExactly(ada.id());
    assertThat(crm.customers().findByExternalRef(alice, "ERP", "42")).map(Customer::id).contains(ada.id());
    // the default set's fields are gone with it
    assertThatThrownBy(() -> crm.customers().count(alice, Criteria.eq(CustomerFields.STAGE, "LEAD")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("'stage'");
  }

  @Test
  void theSetOfACaseKeepsTheFieldsOfTheOverdueList() {
    Crm crm = builder().indexes(CaseFields.COLLECTION, IndexSet.of(CaseFields.CUSTOMER_ID)).build();
    assertThat(crm.cases().overdue(alice, 10).items()).isEmpty();
    assertThatThrownBy(() -> crm.cases().count(alice, Criteria.eq(CaseFields.PRIORITY, "HIGH")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("'priority'");
  }

  @Test
  void mistakesInASetAreRefusedWhenTheCrmIsBuiltNamingCollectionAndField() {
    assertThatThrownBy(() -> builder().indexes("customer", IndexSet.of("name")).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path, ValidationException.Violation::rule)
            .containsExactly(tuple("indexes.customer", "collection.unknown")))
        .hasMessageContaining("customers");
    assertThatThrownBy(() -> builder().indexes(CustomerFields.COLLECTION, IndexSet.of("nmae")
        .with(CompositeIndex.of("byTags", Sort.asc(CustomerFields.TAGS).thenAsc("nmae")))).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path, ValidationException.Violation::rule)
            .containsExactly(tuple("indexes.customers.nmae", "index.field.unknown"),
                tuple("indexes.customers.byTags", "index.field.multi"),
                tuple("indexes.customers.byTags", "index.field.unknown")));
    assertThatThrownBy(() -> builder().indexes(InteractionFields.COLLECTION, IndexSet.none())
        .indexes(InteractionFields.COLLECTION, IndexSet.none()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("interactions");
  }

  @Test
  void compositeIndexesTakeEachFieldOnceAndNeverTheId() {
    assertThatThrownBy(() -> CompositeIndex.of("twice", Sort.asc("name").thenDesc("name")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("names field 'name' twice");
    assertThatThrownBy(() -> CompositeIndex.of("withId", Sort.asc("name").thenAsc(Sort.ID)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("ends with the id already");
    assertThatThrownBy(() -> CompositeIndex.of("Bad-Name", Sort.asc("name")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("lower-camel");
    assertThatThrownBy(() -> IndexSet.none().with(CompositeIndex.of("a", Sort.asc("name")))
        .with(CompositeIndex.of("a", Sort.asc("stage"))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("declared twice");
  }

  @Test
  void indexSetsReadFromJsonKeepKeyOrderAndDirection() {
    var sets = IndexSets.fromJson("""
        {"customers": {"fields": ["name", "tags"],
                       "composite": {"byStageRegionName": ["stage", "region", "name"],
                                     "recentByOwner": ["owner", "-updatedAt"]}},
         "cases": {"fields": ["assignee"]}}
        """);
    assertThat(sets.get("customers")).isEqualTo(IndexSet.of("name", "tags")
        .with(CompositeIndex.of("byStageRegionName", Sort.asc("stage").thenAsc("region").thenAsc("name")))
        .with(CompositeIndex.of("recentByOwner", Sort.asc("owner").thenDesc("updatedAt"))));
    assertThat(sets.get("cases")).isEqualTo(IndexSet.of("assignee"));

    Crm crm = builder().indexes(sets).build();
    assertThat(crm.customers().find(alice, Query.of(Criteria.and(Criteria.eq(CustomerFields.STAGE, "LEAD"),
        Criteria.eq(CustomerFields.REGION, "EMEA")), Sort.asc(CustomerFields.NAME), 10)).items()).isEmpty();
  }

  @Test
  void everyMistakeInAJsonSetIsReportedAtOnceWithItsPath() {
    assertThatThrownBy(() -> IndexSets.fromJson("""
        {"customers": {"fields": "name", "composit": {},
                       "composite": {"byName": ["name", 3], "empty": [], "dup": ["name", "-name"]}},
         "cases": []}
        """))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path)
            .containsExactly("indexes.customers.composit", "indexes.customers.fields",
                "indexes.customers.composite.byName", "indexes.customers.composite.empty",
                "indexes.customers.composite.dup", "indexes.cases"));
    assertThatThrownBy(() -> IndexSets.fromJson("{\"customers\": {\"fields\": [\"name\",]}}"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("line 1");
  }
}
