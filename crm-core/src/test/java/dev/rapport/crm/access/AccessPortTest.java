package dev.rapport.crm.access;

import dev.rapport.crm.TestIndexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The access port as crm-rbac will use it: writes are checked before and after (with the proposed state), field
 * access limits what may be written and masks what is read, on every output path, and filters are asked for every
 * listing action with the collection a residual may name.
 */
class AccessPortTest {
  private final InMemoryStore store = InMemoryStore.create();
  private final Actor clerk = Actor.of("acme", "clerk").withRoles("clerk");
  private final Actor admin = Actor.of("acme", "root").withRoles("admin");
  private final List<String> asked = new CopyOnWriteArrayList<>();

  /**
   * Admins do anything. Clerks may set a credit limit only up to 10,000 (a condition on the proposed state),
   * may write only phones, grade and credit limits, and see phones and e-mails masked and credit limits hidden;
   * their exports leave out grade-A customers.
   */
  private final AccessPolicy policy = new AccessPolicy() {
    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      asked.add(action + (resource.isWriteResult() ? " result" : " intent") + (resource.current() == null
          ? " new" : ""));
      if (actor.roles().contains("admin")) {
        return Decision.allow("admin");
      }
      ObjectNode after = resource.proposed();
      boolean raises = after != null && after.has("creditLimit") && (resource.current() == null
          || !after.get("creditLimit").equals(resource.current().get("creditLimit")));
      if (raises && new BigDecimal(after.path("creditLimit").path("amount").asText())
          .compareTo(new BigDecimal("10000")) > 0) {
        return Decision.deny("clerk-credit-cap");
      }
      return Decision.allow(FieldAccess.all()
          .withWritable(FieldSet.of("phones", "grade", "creditLimit"))
          .withMask("phones", Mask.phone())
          .withMask("emails", Mask.email())
          .withMask("creditLimit", Mask.hidden()), "clerk");
    }

    @Override
    public DataFilter filter(Actor actor, Action action, ResourceType type) {
      asked.add("filter " + action + " " + type.name() + " " + type.collection().name());
      if (action == Action.EXPORT && !actor.roles().contains("admin")) {
        return DataFilter.where(Criteria.not(Criteria.eq(CustomerFields.GRADE, "A")));
      }
      return DataFilter.always();
    }
  };

  private final Crm crm = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).accessPolicy(policy).audit(AuditRecorder.none()).build();

  @Test
  void aWriteIsCheckedFirstAsIntentThenWithItsResult() {
    Customer c = crm.customers().create(admin, acme());
    asked.clear();

    crm.customers().changeCreditLimit(clerk, c.id(), Money.of("9000", "EUR"), "first order");
    assertThat(asked).containsSubsequence("EDIT intent", "EDIT result");
    assertThatThrownBy(() -> crm.customers().changeCreditLimit(clerk, c.id(), Money.of("25000", "EUR"), "more"))
        .isInstanceOfSatisfying(AccessDeniedException.class,
            e -> assertThat(e.decidingRules()).containsExactly("clerk-credit-cap"));
    assertThat(crm.customers().require(admin, c.id()).creditLimit()).isEqualTo(Money.of("9000", "EUR"));
  }

  @Test
  void aWriteToAFieldTheActorMayNotWriteIsRefusedNamingTheField() {
    Customer c = crm.customers().create(admin, acme());
    crm.customers().update(clerk, c.id(), CustomerPatch.builder().grade("B").phones("+8613912345678")
        .build());
    assertThatThrownBy(() -> crm.customers().update(clerk, c.id(), CustomerPatch.builder().grade("C")
        .emails("new@acme.example").region("EMEA").build()))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("may not write emails, region");
    assertThatThrownBy(() -> crm.customers().create(clerk, acme()))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("may not write").hasMessageContaining("emails").hasMessageContaining("name");
    Customer now = crm.customers().require(admin, c.id());
    assertThat(now.grade()).isEqualTo("B");
    assertThat(now.emails()).extracting(EmailAddress::value).containsExactly("sales@acme.example");
  }

  @Test
  void readsAreMaskedOnEveryPathWithoutBreakingTheTypedRecords() {
    Customer c = crm.customers().create(admin, acme());
    crm.customers().changeCreditLimit(admin, c.id(), Money.of("50000", "EUR"), "admin");

    Customer single = crm.customers().require(clerk, c.id());
    Customer inPage = crm.customers().find(clerk, Query.of(Criteria.all(), Sort.byId(), 10)).items().get(0);
    Customer exported = crm.customers().export(clerk, Query.of(Criteria.all(), Sort.byId(), 10)).items().get(0);
    Customer afterCommand = crm.customers().update(clerk, c.id(), CustomerPatch.builder().grade("B").build());
    for (Customer shown : List.of(single, inPage, exported, afterCommand)) {
      PhoneNumber phone = shown.phones().get(0);
      assertThat(phone.isMasked()).isTrue();
      assertThat(phone.e164()).isEqualTo("+86 *** **** 5678");
      assertThat(phone.regionCode()).isEqualTo("CN");
      EmailAddress email = shown.emails().get(0);
      assertThat(email.isMasked()).isTrue();
      assertThat(email.value()).isEqualTo("s***@acme.example");
      assertThat(email.domain()).isEqualTo("acme.example");
      assertThat(shown.creditLimit()).isNull();
      assertThat(shown.name().defaultValue()).isEqualTo("Acme 贸易");
    }
    // the stored record is untouched, and whoever may see everything sees it
    Customer full = crm.customers().require(admin, c.id());
    assertThat(full.phones().get(0).isMasked()).isFalse();
    assertThat(full.phones().get(0).e164()).isEqualTo("+8613912345678");
    assertThat(full.creditLimit()).isEqualTo(Money.of("50000", "EUR"));
  }

  @Test
  void filtersAreAskedForEveryListingActionWithTheCollection() {
    crm.customers().create(admin, acme());
    crm.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "Globex").grade("A").build());
    asked.clear();

    assertThat(crm.customers().find(clerk, Query.of(Criteria.all(), Sort.byId(), 10)).items()).hasSize(2);
    assertThat(crm.customers().export(clerk, Query.of(Criteria.all(), Sort.byId(), 10)).items())
        .extracting(x -> x.name().defaultValue()).containsExactly("Acme 贸易");
    crm.customers().count(clerk, Criteria.all());
    assertThat(asked).filteredOn(a -> a.startsWith("filter")).containsExactly(
        "filter VIEW customer customers", "filter EXPORT customer customers", "filter VIEW customer customers");
  }

  @Test
  void aResidualNamingAnUnindexedFieldIsAPolicyErrorNotAQuery() {
    AccessPolicy broken = new AccessPolicy() {
      @Override
      public Decision check(Actor actor, Action action, Resource resource) {
        return Decision.allow("x");
      }

      @Override
      public DataFilter filter(Actor actor, Action action, ResourceType type) {
        return DataFilter.where(Criteria.eq("salary", 1));
      }
    };
    Crm bad = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).accessPolicy(broken).audit(AuditRecorder.none()).build();
    assertThatThrownBy(() -> bad.customers().find(clerk, Query.of(Criteria.all(), Sort.byId(), 10)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("salary");
  }

  private static CustomerData acme() {
    return CustomerData.builder(CustomerKind.ORGANIZATION, "Acme 贸易").email("sales@acme.example")
        .phone("+86 139 1234 5678").build();
  }
}
