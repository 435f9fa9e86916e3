package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.query.Criteria;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retention on a real store: records past their kind's retention are purged once sealed, with their index entries;
 * the chain still verifies, and any other missing record is still found at its exact position.
 */
abstract class RetentionContract extends OneStorePerClass {
  private static final AtomicInteger TENANTS = new AtomicInteger();

  /** Allows everything but deleting, so that a delete writes a denial. */
  private static final AccessPolicy NO_DELETES = new AccessPolicy() {
    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      return action == Action.DELETE ? Decision.deny("no-deletes") : Decision.allow("rest");
    }

    @Override
    public DataFilter filter(Actor actor, Action action, ResourceType type) {
      return action == Action.DELETE ? DataFilter.never() : DataFilter.always();
    }
  };

  @Test
  void expiredRecordsArePurgedBehindTheChainAndWhatRemainsVerifies() {
    Actor alice = Actor.of("retention" + TENANTS.incrementAndGet(), "alice");
    AuditTrail audit = AuditTrail.builder().blockSize(4).recordReadsOf("customer")
        .retain("read", Duration.ofDays(30)).retain("denied", Duration.ofDays(90)).build();
    Crm crm = Crm.builder().store(opened.store()).accessPolicy(NO_DELETES).audit(audit).clock(clock).build();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Person " + i).build()).id());
      crm.customers().require(alice, ids.get(i));                       // a read, kept 30 days
    }
    try {
      crm.customers().delete(alice, ids.get(0), "cleanup");             // a denial, kept 90 days
    } catch (dev.rapport.crm.error.AccessDeniedException expected) {
      // recorded
    }
    clock.advance(Duration.ofDays(31));
    Customer late = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Late").build());
    crm.customers().require(alice, late.id());
    crm.customers().require(alice, late.id());
    audit.seal(alice.tenant());
    crm.customers().require(alice, ids.get(1));                         // a read the sealer has not reached

    AuditTrail.Retention first = audit.purgeExpired(alice.tenant());
    assertThat(first.purged()).isEqualTo(3);
    assertThat(first.purgedByKind()).containsExactly(java.util.Map.entry("read", 3L));
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().kind("read"))).hasSize(3);
    assertThat(opened.store().count(alice.tenant(), AuditTrail.INDEX, Criteria.eq("kind", "read"))).isEqualTo(2);
    assertThat(audit.purgeExpired(alice.tenant()).purged()).as("nothing more is due").isZero();
    audit.seal(alice.tenant());
    Verification v = audit.verify(alice.tenant());
    assertThat(v.intact()).as("%s", v).isTrue();
    assertThat(v.purged()).isEqualTo(3);
    assertThat(v.sealed()).isEqualTo(v.records() + v.purged());

    clock.advance(Duration.ofDays(60));                                 // day 91: the denial and the later reads
    AuditTrail.Retention second = audit.purgeExpired(alice.tenant());
    assertThat(second.purgedByKind()).containsOnly(java.util.Map.entry("read", 3L), java.util.Map.entry("denied", 1L));
    audit.seal(alice.tenant());
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().kind("change"))).hasSize(4);
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().kind("retention"))).hasSize(2)
        .first().satisfies(r -> assertThat(r.payload().path("purged").path("read").asLong()).isEqualTo(3));
    assertThat(audit.verify(alice.tenant())).satisfies(after -> {
      assertThat(after.intact()).as("%s", after).isTrue();
      assertThat(after.purged()).isEqualTo(7);
    });

    // a record retention does not cover, deleted the same way, is still found at its exact position
    AuditRecord change = audit.records(alice.tenant(), 0, 100).stream()
        .filter(r -> r.payload().path("kind").asText().equals("change")).toList().get(2);
    assertThat(opened.store().purge(alice.tenant(), AuditTrail.STREAM, List.of(change.position()))).isEqualTo(1);
    assertThat(audit.verify(alice.tenant()).problem()).satisfies(p -> {
      assertThat(p.kind()).isEqualTo(Verification.Kind.REMOVED);
      assertThat(p.position()).isEqualTo(change.position());
    });
  }
}
