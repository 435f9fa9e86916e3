package dev.rapport.crm.customer;

import static dev.rapport.crm.customer.CustomerFields.custom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Custom fields a tenant's schema indexes are filtered and sorted on like built-in fields. */
class CustomFieldIndexTest {
  private static final Actor ALICE = Actor.of("acme", "alice");
  private static final CustomFieldSchema SCHEMA = CustomFieldSchema.builder()
      .text("industry", 100, false)
      .number("employees", false)
      .date("renewal", false)
      .bool("partner", false)
      .choice("terms", Set.of("NET30", "NET60"), false)
      .text("notes", 2000, false)
      .indexed("industry", "employees", "renewal", "partner", "terms")
      .build();

  private static Crm.Builder builder() {
    return Crm.builder().store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).publishAfterCommit(false);
  }

  private static Customer create(Crm crm, String name, String industry, String employees, String renewal,
                                 boolean partner) {
    return crm.customers().create(ALICE, CustomerData.builder(CustomerKind.ORGANIZATION, name)
        .customField("industry", industry).customField("employees", employees).customField("renewal", renewal)
        .customField("partner", partner).customField("terms", "NET30").customField("notes", "free text").build());
  }

  private static List<String> names(Crm crm, Criteria c, Sort sort) {
    return crm.customers().find(ALICE, Query.of(c, sort, 50)).items().stream()
        .map(x -> x.name().defaultValue()).toList();
  }

  @Test
  void indexedCustomFieldsAreFilteredAndSortedWithValuesOfTheirType() {
    Crm crm = builder().customFields(SCHEMA).build();
    create(crm, "Acme", "retail", "1200", "2027-03-01", true);
    create(crm, "Bolt", "energy", "80", "2026-12-31", false);
    create(crm, "Core", "retail", "45.50", "2027-01-15", true);

    assertThat(names(crm, Criteria.eq(custom("industry"), "retail"), Sort.desc(custom("employees"))))
        .containsExactly("Acme", "Core");
    assertThat(names(crm, Criteria.gt(custom("employees"), new BigDecimal("50")), Sort.asc(custom("employees"))))
        .containsExactly("Bolt", "Acme");
    assertThat(names(crm, Criteria.between(custom("renewal"), "2027-01-01", "2027-12-31"),
        Sort.asc(custom("renewal")))).containsExactly("Core", "Acme");
    assertThat(crm.customers().count(ALICE, Criteria.eq(custom("partner"), true))).isEqualTo(2);
    assertThat(crm.customers().count(ALICE, Criteria.eq(custom("terms"), "NET30"))).isEqualTo(3);
    // a custom field the schema does not index stays unqueryable
    assertThatThrownBy(() -> crm.customers().count(ALICE, Criteria.eq(custom("notes"), "free text")))
        .isInstanceOf(ValidationException.class).hasMessageContaining(custom("notes"));
  }

  @Test
  void aCompositeIndexMayHoldCustomFields() {
    Crm crm = builder().customFields(SCHEMA).indexes(CustomerFields.COLLECTION, CustomerFields.DEFAULT_INDEXES
        .with(CompositeIndex.of("byIndustryName", Sort.asc(custom("industry")).thenAsc(CustomerFields.NAME))))
        .build();
    create(crm, "Zeta", "retail", "1", "2027-01-01", false);
    create(crm, "Alpha", "retail", "2", "2027-01-01", false);
    assertThat(names(crm, Criteria.eq(custom("industry"), "retail"), Sort.asc(CustomerFields.NAME)))
        .containsExactly("Alpha", "Zeta");
  }

  @Test
  void aTenantsValuesAreIndexedOnlyWhereItsOwnSchemaIndexesTheField() {
    CustomFieldSchema plain = CustomFieldSchema.builder().text("industry", 100, false).build();
    Crm crm = builder().customFields(SCHEMA).customFields(TenantId.of("other"), plain).build();
    Actor bob = Actor.of("other", "bob");
    crm.customers().create(bob, CustomerData.builder(CustomerKind.PERSON, "Bo").customField("industry", "retail")
        .build());
    assertThat(crm.customers().count(bob, Criteria.eq(custom("industry"), "retail"))).isZero();
  }

  @Test
  void schemasThatCannotBeIndexedAreRefusedNamingTheField() {
    assertThatThrownBy(() -> CustomFieldSchema.builder().text("essay", 1000, false).indexed("essay").build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("'essay' allows 1000");
    assertThatThrownBy(() -> CustomFieldSchema.builder().indexed("missing"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("missing");
    CustomFieldSchema asNumber = CustomFieldSchema.builder().number("industry", false).indexed("industry").build();
    assertThatThrownBy(() -> builder().customFields(SCHEMA).customFields(TenantId.of("other"), asNumber).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path, ValidationException.Violation::rule)
            .containsExactly(tuple("customFields.industry", "customField.index.conflict")));
    Crm crm = builder().customFields(SCHEMA).build();
    assertThatThrownBy(() -> crm.customers().create(ALICE, CustomerData.builder(CustomerKind.PERSON, "Big")
        .customField("employees", "1234567890123456789012345").build()))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path, ValidationException.Violation::rule)
            .containsExactly(tuple("customFields.employees", "customField.number")));
  }

  @Test
  void theFieldNameKeepsNamesApartThatDifferOnlyInCaseOrUnderscores() {
    assertThat(custom("industry")).startsWith("cfIndustry").hasSize(16);
    assertThat(custom("Industry")).isNotEqualTo(custom("industry"));
    assertThat(custom("net_terms")).isNotEqualTo(custom("netterms")).matches("[a-z][a-zA-Z0-9]{0,29}");
    assertThat(custom("a_very_long_custom_field_name_of_forty_c")).matches("[a-z][a-zA-Z0-9]{0,29}");
  }
}
