package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The realistic policy of {@code crm-policy.yaml} on the command path: checks, filters and masks, as a user meets them. */
class RbacOnTheCommandPathTest {
  static Rbac policy() {
    return Rbac.fromFile(Path.of("src/test/resources/crm-policy.yaml"));
  }

  private final Rbac rbac = policy();
  private final InMemoryStore store = InMemoryStore.create();
  private final Crm crm = Crm.builder().store(store).accessPolicy(rbac)
      .audit(AuditRecorder.none())
      .indexes(CustomerFields.COLLECTION, rbac.requiredIndexes(CustomerFields.TYPE)
          .with(CustomerFields.CREDIT_LIMIT, CustomerFields.GRADE, CustomerFields.CREATED_AT))
      .build();

  private final Actor admin = Actor.of("acme", "root").withRoles("admin");
  private final Actor repEast = Actor.of("acme", "li.wei").withRoles("sales_rep").withAttribute("region", "CN-East");
  private final Actor repWest = Actor.of("acme", "ana").withRoles("sales_rep").withAttribute("region", "EU-West");
  private final Actor service = Actor.of("acme", "sam").withRoles("service_rep");
  private final Actor marketing = Actor.of("acme", "mia").withRoles("marketing");

  private Customer customer(String name, String region, String owner, String... tags) {
    CustomerData.Builder b = CustomerData.builder(CustomerKind.ORGANIZATION, name).region(region).owner(owner)
        .email("buyer@" + name.toLowerCase().replace(' ', '-') + ".example").phone("+8613912345678");
    for (String t : tags) {
      b.tag(t);
    }
    return crm.customers().create(admin, b.build());
  }

  @Test
  void theFileLoadsWarningOnlyThatRegionNeedsAnIndex() {
    assertThat(rbac.warnings()).singleElement().satisfies(w -> assertThat(w.message())
        .contains("filter on region, which the default index set of customers does not index"));
    assertThat(rbac.requiredIndexes(CustomerFields.TYPE).fields()).contains("region", "owner", "tags");
  }

  @Test
  void aRepSeesTheirRegionOnlyOnEveryReadPath() {
    Customer east = customer("Shanghai Trading", "CN-East", "li.wei");
    Customer west = customer("Lyon Textiles", "EU-West", "ana");

    assertThat(crm.customers().find(repEast, Query.of(Criteria.all(), Sort.byId(), 50)).items())
        .extracting(Customer::id).containsExactly(east.id());
    assertThat(crm.customers().count(repEast, Criteria.all())).isEqualTo(1);
    assertThat(crm.customers().get(repEast, east.id())).isPresent();
    // the existence leak: a record outside the filter is absent exactly like one that does not exist
    assertThat(crm.customers().get(repEast, west.id())).isEmpty();
    assertThatThrownBy(() -> crm.customers().require(repEast, west.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> crm.customers().update(repEast, west.id(), CustomerPatch.builder().grade("B").build()))
        .isInstanceOf(NotFoundException.class);
    assertThat(rbac.filter(repEast, Action.VIEW, CustomerFields.TYPE))
        .isEqualTo(DataFilter.where(Criteria.eq("region", "CN-East")));
  }

  @Test
  void aRecordOutsideTheFilterIsAbsentOnEveryReadPathAndEveryCommand() {
    Customer west = crm.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "Lyon Textiles")
        .region("EU-West").owner("li.wei").externalRef("SAP", "4711").tag("consent/marketing").build());
    Query all = Query.of(Criteria.all(), Sort.byId(), 50);
    assertThat(crm.customers().get(repEast, west.id())).isEmpty();
    assertThat(crm.customers().find(repEast, all).items()).isEmpty();
    assertThat(crm.customers().export(repEast, all).items()).isEmpty();
    assertThat(crm.customers().stream(repEast, all)).isEmpty();
    assertThat(crm.customers().count(repEast, Criteria.all())).isZero();
    assertThat(crm.customers().findByExternalRef(repEast, "SAP", "4711")).isEmpty();
    assertThat(crm.customers().changes(repEast, dev.rapport.crm.feed.FeedPosition.start(), 100).changes())
        .isEmpty();
    for (Runnable command : List.<Runnable>of(
        () -> crm.customers().require(repEast, west.id()),
        () -> crm.customers().update(repEast, west.id(), CustomerPatch.builder().phones("+8613800000000").build()),
        () -> crm.customers().tag(repEast, west.id(), "x"),
        () -> crm.customers().changeStage(repEast, west.id(), "PROSPECT", null),
        () -> crm.customers().assignOwner(repEast, west.id(), "li.wei"),
        () -> crm.customers().delete(repEast, west.id(), "gone"))) {
      assertThatThrownBy(command::run).isInstanceOf(NotFoundException.class)
          .hasMessageNotContaining("Lyon");
    }
    // the same calls by someone who may see it find it
    assertThat(crm.customers().findByExternalRef(repWest, "SAP", "4711")).isPresent();
    assertThat(crm.customers().changes(repWest, dev.rapport.crm.feed.FeedPosition.start(), 100).changes())
        .isNotEmpty();
  }

  @Test
  void aRepEditsOnlyWhatTheyOwnAndWithinTheCreditCap() {
    Customer own = customer("Hangzhou Tea", "CN-East", "li.wei");
    Customer colleagues = customer("Suzhou Silk", "CN-East", "zhang");

    crm.customers().update(repEast, own.id(), CustomerPatch.builder().phones("+8613800000000").build());
    assertThatThrownBy(() -> crm.customers().update(repEast, colleagues.id(),
        CustomerPatch.builder().phones("+8613800000000").build()))
        .isInstanceOfSatisfying(AccessDeniedException.class,
            e -> assertThat(e.decidingRules()).containsExactly("no-permit"));
    // moving a customer out of one's region is refused on the result of the write
    assertThatThrownBy(() -> crm.customers().update(repEast, own.id(), CustomerPatch.builder().region("EU-West")
        .build())).isInstanceOf(AccessDeniedException.class);
    // a field the rep may not write is refused, naming it
    assertThatThrownBy(() -> crm.customers().update(repEast, own.id(), CustomerPatch.builder().grade("A").build()))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("grade");
    crm.customers().changeCreditLimit(admin, own.id(), Money.of("250000", "CNY"), "key account");
    assertThatThrownBy(() -> crm.customers().update(repEast, own.id(),
        CustomerPatch.builder().phones("+8613811111111").build()))
        .isInstanceOfSatisfying(AccessDeniedException.class,
            e -> assertThat(e.decidingRules()).containsExactly("reps-credit-cap"));
  }

  @Test
  void aRepCreatesCustomersOnlyInTheirRegionAndOwnedByThemselves() {
    Customer created = crm.customers().create(repEast, CustomerData.builder(CustomerKind.PERSON, "王芳")
        .region("CN-East").owner("li.wei").build());
    assertThat(created.owner()).isEqualTo("li.wei");
    assertThatThrownBy(() -> crm.customers().create(repEast, CustomerData.builder(CustomerKind.PERSON, "Jean")
        .region("EU-West").owner("li.wei").build())).isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void serviceRepsSeeMaskedContactsOnEveryPathAndNoCreditLimit() {
    Customer c = customer("Ningbo Ports", "CN-East", "li.wei");
    crm.customers().changeCreditLimit(admin, c.id(), Money.of("5000", "CNY"), "first");

    Customer single = crm.customers().require(service, c.id());
    Customer inPage = crm.customers().find(service, Query.of(Criteria.all(), Sort.byId(), 10)).items().get(0);
    for (Customer shown : List.of(single, inPage)) {
      assertThat(shown.phones().get(0).isMasked()).isTrue();
      assertThat(shown.phones().get(0).e164()).isEqualTo("+86 *** **** 5678");
      assertThat(shown.emails().get(0).value()).isEqualTo("b***@ningbo-ports.example");
      assertThat(shown.creditLimit()).isNull();
      assertThat(shown.name().defaultValue()).isEqualTo("Ningbo Ports");
    }
    // service reps may not export customers at all
    assertThat(crm.customers().export(service, Query.of(Criteria.all(), Sort.byId(), 10)).items()).isEmpty();
    assertThatThrownBy(() -> crm.customers().update(service, c.id(), CustomerPatch.builder().grade("B").build()))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void nobodySearchesOrSortsByAFieldTheyMayNotRead() {
    Customer c = customer("Ningbo Ports", "CN-East", "li.wei");
    crm.customers().changeCreditLimit(admin, c.id(), Money.of("500000", "CNY"), "big");
    // the service rep cannot read credit limits or grades: a search on them would tell their values
    assertThatThrownBy(() -> crm.customers().count(service, Criteria.gt("creditLimit", new java.math.BigDecimal("100000"))))
        .isInstanceOfSatisfying(dev.rapport.crm.error.ValidationException.class, e -> assertThat(e.violations())
            .extracting(v -> v.rule()).containsExactly("criteria.field.unreadable"));
    assertThatThrownBy(() -> crm.customers().find(service, Query.of(Criteria.all(),
        Sort.asc(CustomerFields.CREATED_AT).thenAsc("grade"), 10)))
        .isInstanceOf(dev.rapport.crm.error.ValidationException.class).hasMessageContaining("grade");
    // a field they see masked stays searchable: the service desk finds a caller by number
    assertThat(crm.customers().find(service, Query.of(Criteria.eq(CustomerFields.PHONES, "+8613912345678"),
        Sort.byId(), 10)).items()).extracting(Customer::id).containsExactly(c.id());
    // and whoever reads every field searches as before
    assertThat(crm.customers().count(admin, Criteria.gt("creditLimit", new java.math.BigDecimal("100000"))))
        .isEqualTo(1);
  }

  @Test
  void marketingSeesConsentedCustomersAndExportsNoBlockedOnes() {
    Customer consented = customer("Xiamen Foods", "CN-South", "li.wei", "consent/marketing");
    customer("Wuhan Steel", "CN-Central", "li.wei");
    Customer blocked = customer("Blocked Ltd", "CN-East", "li.wei", "consent/marketing", "status/blocked");

    assertThat(crm.customers().find(marketing, Query.of(Criteria.all(), Sort.byId(), 50)).items())
        .extracting(Customer::id).containsExactlyInAnyOrder(consented.id(), blocked.id());
    assertThat(crm.customers().export(marketing, Query.of(Criteria.all(), Sort.byId(), 50)).items())
        .extracting(Customer::id).containsExactly(consented.id());
    Customer shown = crm.customers().require(marketing, consented.id());
    assertThat(shown.phones()).isEmpty();
    assertThat(shown.emails().get(0).isMasked()).isTrue();
  }

  @Test
  void aRepWithoutARegionAttributeSeesNothingFailClosed() {
    customer("Shanghai Trading", "CN-East", "li.wei");
    Actor noRegion = Actor.of("acme", "new.hire").withRoles("sales_rep");
    assertThat(rbac.filter(noRegion, Action.VIEW, CustomerFields.TYPE)).isEqualTo(DataFilter.never());
    assertThat(crm.customers().find(noRegion, Query.of(Criteria.all(), Sort.byId(), 50)).items()).isEmpty();
  }

  @Test
  void explainSaysWhyNot() {
    Customer west = customer("Lyon Textiles", "EU-West", "ana");
    Customer c = crm.customers().require(admin, west.id());
    Explanation e = rbac.explain(repEast, Action.EDIT, dev.rapport.crm.access.Resource.stored(CustomerFields.TYPE,
        c.id(), crm.customers().require(admin, west.id()) == null ? null : body(c)));
    assertThat(e.allowed()).isFalse();
    assertThat(e.rules()).anySatisfy(r -> {
      assertThat(r.ruleId()).isEqualTo("rep-edit-own");
      assertThat(r.outcome()).isEqualTo(Explanation.Outcome.CONDITION_FALSE);
      assertThat(r.failing()).containsExactly("resource.owner == subject.id", "resource.region == subject.region");
    });
    assertThat(e.rules()).anySatisfy(r -> {
      assertThat(r.ruleId()).isEqualTo("admin-customers");
      assertThat(r.outcome()).isEqualTo(Explanation.Outcome.ROLE_NOT_HELD);
    });
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode body(Customer c) {
    return new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules().valueToTree(c);
  }
}
