package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.memory.InMemoryStore;
import org.junit.jupiter.api.Test;

/**
 * What the property {@code FilterAgreesWithCheck*Test} found, each minimised to one rule, one actor and one record.
 */
class RbacFilterCheckRegressionTest {
  private final InMemoryStore store = InMemoryStore.create();
  private final Actor root = Actor.of("acme", "root");
  private final Crm setup = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll())
      .audit(AuditRecorder.none()).build();

  /**
   * {@code resource.id} is a field conditions may read (the CEL environment declares it), but a condition naming it
   * stopped the policy from loading: {@code Rbac.build()} threw a {@code ValidationException} ("index name must be
   * ... not 'id'") from inside the compiler instead of compiling it. Once it compiles, {@code check} must find the id
   * whether the resource carries the store's values (which include it) or values derived from the JSON body (which
   * do not), as the residual {@code id = ...} does in the store.
   */
  @Test
  void aConditionOnTheRecordIdLoadsAndItsFilterAgreesWithCheck() {
    Customer ada = setup.customers().create(root, CustomerData.builder(CustomerKind.PERSON, "Ada").build());
    setup.customers().create(root, CustomerData.builder(CustomerKind.PERSON, "Bob").build());
    Rbac rbac = Rbac.builder()
        .role("by_id", r -> r.permitWhen("customer", "resource.id == '" + ada.id() + "'", Action.VIEW))
        .build();
    Actor actor = Actor.of("acme", "u1").withRoles("by_id");

    assertThat(rbac.filter(actor, Action.VIEW, CustomerFields.TYPE))
        .isEqualTo(DataFilter.where(Criteria.eq("id", ada.id())));
    Document doc = store.get(TenantId.of("acme"), CustomerFields.COLLECTION, ada.id()).orElseThrow();
    assertThat(rbac.check(actor, Action.VIEW, Resource.stored(CustomerFields.TYPE, ada.id(), doc.body(),
        CustomerFields.TYPE.readValues(doc))).allowed()).as("with the values the store read").isTrue();
    assertThat(rbac.check(actor, Action.VIEW, Resource.stored(CustomerFields.TYPE, ada.id(), doc.body())).allowed())
        .as("with the values derived from the body").isTrue();

    Crm crm = Crm.builder().store(store).accessPolicy(rbac).audit(AuditRecorder.none())
        .indexes(CustomerFields.COLLECTION, rbac.requiredIndexes(CustomerFields.TYPE)).build();
    assertThat(crm.customers().find(actor, Query.of(Criteria.all(), Sort.byId(), 10)).items())
        .extracting(Customer::id).containsExactly(ada.id());
  }

  /**
   * An assignment scoped to a field that does not hold text ({@code scopedTo("creditLimit", "1000")}, or
   * {@code scope: {deleted: false}} in a policy file) loaded, and then {@code check} and {@code filter} disagreed:
   * {@code check} compared the text with the record's number and never matched (deny), while the filter's
   * {@code creditLimit = '1000'} was refused by the collection's criteria check, so every read by that user (find,
   * count, get, and the visibility check of every write) threw {@code IllegalStateException}, on every store. It is
   * now refused when the policy loads.
   */
  @Test
  void aScopeOnAFieldThatDoesNotHoldTextIsRefusedWhenThePolicyLoads() {
    for (String[] scope : new String[][] {{"creditLimit", "1000"}, {"deleted", "false"},
        {"createdAt", "2030-01-01T00:00:00Z"}}) {
      assertThatThrownBy(() -> Rbac.builder()
              .role("viewer", r -> r.permit("customer", Action.VIEW))
              .assign(Assignment.of("acme", "u1", "viewer").scopedTo(scope[0], scope[1]))
              .build())
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("scope field " + scope[0] + " of customer holds");
    }
    // text fields stay scopable, and their filter and check agree
    Customer ada = setup.customers().create(root, CustomerData.builder(CustomerKind.PERSON, "Ada").team("alpha")
        .build());
    Rbac rbac = Rbac.builder().role("viewer", r -> r.permit("customer", Action.VIEW))
        .assign(Assignment.of("acme", "u1", "viewer").scopedTo("kind", "PERSON")).build();
    Actor u1 = Actor.of("acme", "u1");
    assertThat(rbac.filter(u1, Action.VIEW, CustomerFields.TYPE))
        .isEqualTo(DataFilter.where(Criteria.eq("kind", "PERSON")));
    assertThat(rbac.check(u1, Action.VIEW, Resource.stored(CustomerFields.TYPE, ada.id(),
        store.get(TenantId.of("acme"), CustomerFields.COLLECTION, ada.id()).orElseThrow().body())).allowed()).isTrue();
  }
}
