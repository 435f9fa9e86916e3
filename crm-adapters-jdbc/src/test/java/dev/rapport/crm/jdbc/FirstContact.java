package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;

/** What a newcomer does first with a store: build a {@link Crm} on it, create a customer and read it back. */
final class FirstContact {
  static final Actor ACTOR = Actor.of("acme", "newcomer");

  private FirstContact() {}

  static Crm crm(Store store) {
    return Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).build();
  }

  /** Creates a customer (one commit) and reads it back by id. */
  static Customer createAndGet(Crm crm, String name) {
    Customer created = crm.customers().create(ACTOR, CustomerData.builder(CustomerKind.PERSON, name).build());
    assertThat(crm.customers().get(ACTOR, created.id())).hasValueSatisfying(c -> assertThat(c.id())
        .isEqualTo(created.id()));
    return created;
  }
}
