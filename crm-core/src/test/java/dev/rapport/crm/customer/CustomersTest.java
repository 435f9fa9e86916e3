package dev.rapport.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.lifecycle.Transition;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Deleted;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.Crm;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CustomersTest {
  private final CustomerFixture f = new CustomerFixture();

  private CustomerData.Builder person(String name) {
    return CustomerData.builder(CustomerKind.PERSON, name);
  }

  @Test
  void createsACustomerWithNormalisedContactPointsAndAnnouncesIt() {
    Customer c = f.customers().create(f.alice, CustomerData.builder(CustomerKind.ORGANIZATION, "上海华信贸易有限公司")
        .localizedName("en", "Shanghai Huaxin Trading")
        .email("Sales@Huaxin.Example.CN")
        .phone("021 6123 4567").phoneRegion("CN")
        .address(new AddressInput("CN", "上海市", "上海市", "浦东新区", List.of("世纪大道 100 号"), "200120"))
        .contactPerson(ContactPersonInput.of("王芳", "采购", List.of("wangfang@huaxin.example.cn"), List.of("+86 138 0013 8000")))
        .tag("segment/vip/gold").creditLimit("250000", "CNY").externalRef("SAP", "0000123456")
        .consent("marketing-email", true).build());

    assertThat(c.version()).isEqualTo(1);
    assertThat(c.stage()).isEqualTo("LEAD");
    assertThat(c.phones().get(0).e164()).isEqualTo("+862161234567");
    assertThat(c.emails().get(0).normalized()).isEqualTo("Sales@huaxin.example.cn");
    assertThat(c.name().in(java.util.Locale.ENGLISH)).isEqualTo("Shanghai Huaxin Trading");
    assertThat(c.contactPersons()).hasSize(1);
    assertThat(c.creditLimit()).isEqualTo(Money.of("250000", "CNY"));
    assertThat(c.createdBy()).isEqualTo("alice");
    assertThat(c.consents().get("marketing-email").granted()).isTrue();
    assertThat(f.customers().get(f.alice, c.id())).contains(c);
    assertThat(f.eventTypes()).containsExactly("customer.created");
    assertThat(f.events.get(0).aggregateId()).isEqualTo(c.id());
    assertThat(f.events.get(0).aggregateVersion()).isEqualTo(1);
  }

  @Test
  void reportsEveryViolationAtOnceWithFieldPathsAndWritesNothing() {
    int before = f.changeCount();
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> f.customers().create(f.alice,
        person("").email("ok@example.com").email("not-an-email").phone("12").phoneRegion("CN")
            .address(new AddressInput("CN", null, "上海市", null, List.of(), "2001"))
            .contactPerson(ContactPersonInput.of("Bob", null, List.of(), List.of()))
            .tag("a//b").stage("NOPE").creditLimit("-5", "CNY").customField("industry", "x")
            .grade("G".repeat(21)).build()));

    assertThat(e.violations()).extracting(Violation::path).contains("name", "emails[1]", "phones[0]",
        "addresses[0].postalCode", "addresses[0].region", "addresses[0].district", "contactPersons", "tags[0]",
        "stage", "creditLimit", "customFields.industry", "grade");
    assertThat(f.changeCount()).isEqualTo(before);
    assertThat(f.events).isEmpty();
  }

  @Test
  void patchesOnlyWhatIsGivenAndDetectsStaleVersions() {
    Customer c = f.customers().create(f.alice, person("Ada Lovelace").email("ada@example.com").grade("B").build());
    Customer p = f.customers().update(f.alice, c.id(), CustomerPatch.builder().expectedVersion(1).grade("A")
        .phones("+44 20 7946 0958").build());
    assertThat(p.grade()).isEqualTo("A");
    assertThat(p.emails()).isEqualTo(c.emails());
    assertThat(p.phones().get(0).e164()).isEqualTo("+442079460958");
    assertThat(p.version()).isEqualTo(2);

    assertThatThrownBy(() -> f.customers().update(f.alice, c.id(), CustomerPatch.builder().expectedVersion(1)
        .grade("C").build())).isInstanceOf(VersionConflictException.class);
    assertThat(f.customers().require(f.alice, c.id()).grade()).isEqualTo("A");

    Customer cleared = f.customers().update(f.alice, c.id(), CustomerPatch.builder().clear("grade").build());
    assertThat(cleared.grade()).isNull();
    assertThat(f.eventTypes()).containsExactly("customer.created", "customer.updated", "customer.updated");
    assertThat(f.events.get(1).data().get("changed").toString()).contains("grade", "phones");
  }

  @Test
  void aPatchThatChangesNothingWritesNothing() {
    Customer c = f.customers().create(f.alice, person("Ada").grade("B").build());
    Customer same = f.customers().update(f.alice, c.id(), CustomerPatch.builder().grade("B").build());
    assertThat(same.version()).isEqualTo(1);
    assertThat(f.eventTypes()).containsExactly("customer.created");
  }

  @Test
  void movesThroughTheLifecycleOnlyAlongItsTransitions() {
    Customer c = f.customers().create(f.alice, person("Grace Hopper").build());
    c = f.customers().changeStage(f.alice, c.id(), "PROSPECT", null);
    c = f.customers().changeStage(f.alice, c.id(), "ACTIVE", null);
    assertThat(c.stage()).isEqualTo("ACTIVE");
    assertThat(c.stageEnteredAt()).containsKeys("LEAD", "PROSPECT", "ACTIVE");
    String id = c.id();

    assertThatThrownBy(() -> f.customers().changeStage(f.alice, id, "LEAD", null))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations().get(0).rule()).isEqualTo("stage.transition"));
    assertThatThrownBy(() -> f.customers().changeStage(f.alice, id, "CHURNED", null))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations().get(0).rule()).isEqualTo("stage.reason"));
    assertThat(f.customers().changeStage(f.alice, id, "CHURNED", "moved abroad").stage()).isEqualTo("CHURNED");
    assertThat(f.eventTypes()).containsExactly("customer.created", "customer.stage-changed",
        "customer.stage-changed", "customer.stage-changed");
    assertThat(f.events.get(3).data().get("reason").asText()).isEqualTo("moved abroad");
  }

  @Test
  void lifecycleGuardsAreCriteriaOverTheCustomer() {
    Lifecycle lc = Lifecycle.builder("NEW")
        .transition(Transition.of("NEW", "QUALIFIED").guardedBy(Criteria.exists(CustomerFields.OWNER)))
        .build();
    CustomerFixture g = new CustomerFixture(Clock.systemUTC(), Crm.builder().lifecycle(TenantId.of("acme"), lc));
    Customer c = g.customers().create(g.alice, person("Alan Turing").build());
    assertThat(c.stage()).isEqualTo("NEW");
    assertThatThrownBy(() -> g.customers().changeStage(g.alice, c.id(), "QUALIFIED", null))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations().get(0).rule()).isEqualTo("stage.guard"));
    g.customers().assignOwner(g.alice, c.id(), "bob");
    assertThat(g.customers().changeStage(g.alice, c.id(), "QUALIFIED", null).stage()).isEqualTo("QUALIFIED");
  }

  @Test
  void tagSubtreeQueriesFindDescendantsButNotSiblingsWithTheSamePrefix() {
    Customer gold = f.customers().create(f.alice, person("Gold").tag("segment/vip/gold").build());
    Customer vip = f.customers().create(f.alice, person("Vip").tag("segment/vip").build());
    f.customers().create(f.alice, person("Vipx").tag("segment/vipx").build());
    Customer later = f.customers().create(f.alice, person("Later").build());
    f.customers().tag(f.alice, later.id(), "segment/vip/silver", "客户/重要");

    Page<Customer> page = f.customers().find(f.alice,
        Query.of(Criteria.tagSubtree(CustomerFields.TAGS, "segment/vip"), Sort.asc(CustomerFields.NAME), 10));
    assertThat(page.items()).extracting(Customer::id).containsExactly(gold.id(), later.id(), vip.id());
    assertThat(f.customers().count(f.alice, Criteria.eq(CustomerFields.TAGS, "客户/重要"))).isEqualTo(1);

    Customer untagged = f.customers().untag(f.alice, later.id(), "segment/vip/silver");
    assertThat(untagged.tags()).extracting(Object::toString).containsExactly("客户/重要");
    Customer again = f.customers().untag(f.alice, later.id(), "segment/vip/silver");
    assertThat(again.version()).isEqualTo(untagged.version());
  }

  @Test
  void creditLimitsAreExactAndNeverNegative() {
    Customer c = f.customers().create(f.alice, person("Ada").build());
    Customer raised = f.customers().changeCreditLimit(f.alice, c.id(), Money.of("100000.50", "CNY"), "annual review");
    assertThat(raised.creditLimit()).isEqualTo(Money.of("100000.5", "CNY"));
    assertThat(f.customers().count(f.alice, Criteria.gt(CustomerFields.CREDIT_LIMIT, new java.math.BigDecimal("100000"))))
        .isEqualTo(1);
    assertThatThrownBy(() -> f.customers().changeCreditLimit(f.alice, c.id(), Money.of("-1", "CNY"), "oops"))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> f.customers().changeCreditLimit(f.alice, c.id(), Money.of("1", "CNY"), " "))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations()).extracting(Violation::path).containsExactly("reason"));
  }

  @Test
  void softDeletedCustomersLeaveQueriesAndCanBeRestored() {
    Customer c = f.customers().create(f.alice, person("Ada").build());
    f.customers().delete(f.alice, c.id(), "duplicate");
    assertThat(f.customers().count(f.alice, Criteria.all())).isZero();
    assertThat(f.customers().count(f.alice, Criteria.all(), Deleted.ONLY)).isEqualTo(1);
    assertThat(f.customers().require(f.alice, c.id()).isDeleted()).isTrue();
    Customer back = f.customers().restore(f.alice, c.id());
    assertThat(back.isDeleted()).isFalse();
    assertThat(f.customers().count(f.alice, Criteria.all())).isEqualTo(1);
    assertThat(f.eventTypes()).containsExactly("customer.created", "customer.deleted", "customer.restored");
  }

  @Test
  void upsertByExternalReferenceIsIdempotent() {
    CustomerData erp = CustomerData.builder(CustomerKind.ORGANIZATION, "Acme GmbH").email("info@acme.example.de")
        .address(new AddressInput("DE", null, "Berlin", null, List.of("Hauptstraße 5"), "10115"))
        .creditLimit("50000", "EUR").customField("x", "y").build();
    CustomerFixture g = new CustomerFixture(Clock.systemUTC(), Crm.builder()
        .customFields(CustomFieldSchema.builder().text("x", 10, false).build()));
    UpsertResult first = g.customers().upsertByExternalRef(g.alice, "SAP", "42", erp);
    UpsertResult second = g.customers().upsertByExternalRef(g.alice, "SAP", "42", erp);
    assertThat(first.outcome()).isEqualTo(UpsertResult.Outcome.CREATED);
    assertThat(second.outcome()).isEqualTo(UpsertResult.Outcome.UNCHANGED);
    assertThat(second.customer()).isEqualTo(first.customer());
    assertThat(g.eventTypes()).containsExactly("customer.created");

    CustomerData changed = CustomerData.builder(CustomerKind.ORGANIZATION, "Acme GmbH & Co. KG")
        .email("info@acme.example.de").creditLimit("50000", "EUR").customField("x", "y").build();
    UpsertResult third = g.customers().upsertByExternalRef(g.alice, "SAP", "42", changed);
    assertThat(third.outcome()).isEqualTo(UpsertResult.Outcome.UPDATED);
    assertThat(third.customer().id()).isEqualTo(first.customer().id());
    assertThat(third.customer().version()).isEqualTo(2);
    assertThat(g.customers().findByExternalRef(g.alice, "SAP", "42")).map(Customer::name)
        .hasValueSatisfying(n -> assertThat(n.defaultValue()).isEqualTo("Acme GmbH & Co. KG"));
    assertThat(g.customers().count(g.alice, Criteria.all())).isEqualTo(1);
  }

  @Test
  void externalReferencesAreUniquePerTenantAndSystem() {
    f.customers().create(f.alice, person("One").externalRef("SAP", "1").build());
    assertThatThrownBy(() -> f.customers().create(f.alice, person("Two").externalRef("SAP", "1").build()))
        .isInstanceOfSatisfying(dev.rapport.crm.error.DuplicateKeyException.class,
            e -> assertThat(e.field()).isEqualTo(CustomerFields.EXTERNAL_REFS));
    f.customers().create(f.alice, person("Three").externalRef("ORACLE", "1").build());
    f.customers().create(dev.rapport.crm.actor.Actor.of("other", "bob"), person("Four").externalRef("SAP", "1").build());
  }

  @Test
  void customFieldsFollowTheTenantSchema() {
    CustomerFixture g = new CustomerFixture(Clock.systemUTC(), Crm.builder().customFields(TenantId.of("acme"),
        CustomFieldSchema.builder().number("employees", true).choice("terms", Set.of("NET30", "NET60"), false)
            .date("since", false).build()));
    Customer c = g.customers().create(g.alice, person("Ada").customField("employees", new java.math.BigDecimal("120.0"))
        .customField("terms", "NET30").customField("since", "2020-02-29").build());
    assertThat(c.customFields()).containsEntry("employees", "120").containsEntry("since", "2020-02-29");

    ValidationException e = catchThrowableOfType(ValidationException.class, () -> g.customers().create(g.alice,
        person("Bob").customField("terms", "NET90").customField("since", "2021-02-29").customField("color", "red")
            .build()));
    assertThat(e.violations()).extracting(Violation::path)
        .containsExactlyInAnyOrder("customFields.employees", "customFields.terms", "customFields.since",
            "customFields.color");
  }

  @Test
  void unknownCustomersAreNotFound() {
    assertThatThrownBy(() -> f.customers().assignOwner(f.alice, "nope", "bob")).isInstanceOf(NotFoundException.class);
    assertThat(f.customers().get(f.alice, "nope")).isEmpty();
  }

  @Test
  void tenantsNeverSeeEachOthersCustomers() {
    Customer c = f.customers().create(f.alice, person("Ada").build());
    dev.rapport.crm.actor.Actor mallory = dev.rapport.crm.actor.Actor.of("evil", "mallory");
    assertThat(f.customers().get(mallory, c.id())).isEmpty();
    assertThat(f.customers().count(mallory, Criteria.all())).isZero();
    assertThatThrownBy(() -> f.customers().assignOwner(mallory, c.id(), "mallory")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void pagesThroughManyCustomersWithCursors() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      ids.add(f.customers().create(f.alice, person("P" + (char) ('a' + (i % 5))).build()).id());
    }
    List<String> seen = new ArrayList<>();
    Query q = Query.of(Criteria.all(), Sort.desc(CustomerFields.NAME), 5);
    Page<Customer> page = f.customers().find(f.alice, q);
    while (true) {
      page.items().forEach(c -> seen.add(c.id()));
      if (!page.hasNext()) {
        break;
      }
      page = f.customers().find(f.alice, q.after(page.nextCursor()));
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
  }

  @Test
  void timestampsComeFromTheConfiguredClock() {
    Customer c = f.customers().create(f.alice, person("Ada").build());
    assertThat(c.createdAt()).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
    assertThat(f.customers().count(f.alice, Criteria.between(CustomerFields.CREATED_AT,
        Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z")))).isEqualTo(1);
    assertThat(Clock.systemUTC().getZone()).isEqualTo(ZoneOffset.UTC);
  }
}
