package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.audit.AuditTrail;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;
import org.jspecify.annotations.Nullable;

/**
 * Rapport's side of the audit benchmarks: a {@link Crm} on one store ({@code allowAll}, no delivery after commit, the
 * customers' custom fields), with {@link AuditTrail} as its recorder or {@link AuditRecorder#none()}, and the
 * {@link AuditedCustomer} created in it. {@link #update} runs the three-field update through
 * {@code crm.customers().update}, expecting the version the previous update returned.
 */
final class RapportSide {
  static final Actor ACTOR = Actor.of(AuditFloor.TENANT, AuditFloor.ACTOR);

  final Store store;
  final Crm crm;
  final @Nullable AuditTrail audit;
  final String id;
  private long version;

  RapportSide(Store store, boolean audited) {
    this.store = store;
    this.audit = audited ? AuditTrail.hashChained() : null;
    this.crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll())
        .audit(audit == null ? AuditRecorder.none() : audit)
        .customFields(AuditedCustomer.CUSTOM_FIELDS).publishAfterCommit(false).build();
    Customer c = crm.customers().create(ACTOR, AuditedCustomer.data());
    this.id = c.id();
    this.version = c.version();
  }

  /** Update {@code n}; returns the customer as stored. */
  Customer update(long n) {
    Customer c = crm.customers().update(ACTOR, id, AuditedCustomer.patch(n, version));
    version = c.version();
    return c;
  }

  long version() {
    return version;
  }

  AuditTrail audit() {
    if (audit == null) {
      throw new IllegalStateException("this side records nothing");
    }
    return audit;
  }

  /** The customer's document as the store holds it. */
  ObjectNode storedBody() {
    return store.get(ACTOR.tenant(), CustomerFields.COLLECTION, id).orElseThrow().body().deepCopy();
  }

  /** The {@link AuditedCustomer}'s document as Rapport stores it when it creates it (on the in-memory kernel). */
  static ObjectNode createdBody() {
    return new RapportSide(InMemoryStore.create(), false).storedBody();
  }
}
