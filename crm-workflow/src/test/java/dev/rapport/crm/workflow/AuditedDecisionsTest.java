package dev.rapport.crm.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.audit.AuditRecord;
import dev.rapport.crm.audit.AuditTrail;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With crm-audit as the recorder, through core's port only: every decision, delegation, recall and timer firing is
 * an audit record (the final approval in the command's own commit), the approved change is recorded as approved with
 * its approvers, and the chain verifies.
 */
class AuditedDecisionsTest {
  private final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
  private final TenantId acme = TenantId.of("acme");
  private final AuditTrail trail = AuditTrail.hashChained();
  private final Workflow workflow = Workflow.fromDefinitions(ScenarioContract.CREDIT, ScenarioContract.OWNER_CHANGE);
  private final Crm crm = Crm.builder().store(InMemoryStore.create(clock)).accessPolicy(AccessPolicy.allowAll())
      .audit(trail).approvals(workflow).clock(clock).publishAfterCommit(false)
      .directory(Directory.inMemory().manager("acme", "alice", "bob").role("acme", "finance", "fay", "finn").build())
      .build();

  private String parked(Runnable command) {
    try {
      command.run();
    } catch (ApprovalPendingException e) {
      return e.requestId();
    }
    throw new AssertionError("not parked");
  }

  @Test
  void everyDecisionIsAnAuditRecordAndTheChainVerifies() {
    Actor alice = Actor.of(acme, "alice");
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "Tea Co")
        .grade("A").owner("olga").build());
    workflow.delegate(Actor.of(acme, "bob"), "gina", clock.instant(), clock.instant().plus(Duration.ofDays(2)),
        "out of office");
    String first = parked(() -> crm.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "raise"));
    workflow.recall(alice, first, "wrong amount");
    String second = workflow.resubmit(alice, first).orElseThrow().id();
    workflow.approve(Actor.of(acme, "gina"), second, "for bob");
    workflow.approve(Actor.of(acme, "fay"), second, null);
    workflow.approve(Actor.of(acme, "finn"), second, "fine");
    String third = parked(() -> crm.customers().assignOwner(alice, c.id(), "ivan"));
    clock.advance(Duration.ofHours(5));
    workflow.sweep(acme);

    List<AuditRecord> records = trail.records(acme, 0, 1000);
    assertThat(records).filteredOn(r -> Workflow.RESOURCE_TYPE.equals(r.resourceType()))
        .extracting(AuditRecord::command)
        .containsExactly("approval.recall", "approval.approve", "approval.approve", "approval.approve",
            "approval.remind");
    assertThat(records).filteredOn(r -> "approval.delegate".equals(r.command())).singleElement()
        .satisfies(r -> assertThat(r.actor()).isEqualTo("bob"));
    assertThat(records).filteredOn(r -> "approval.approve".equals(r.command()))
        .extracting(AuditRecord::actor).containsExactly("gina", "fay", "finn");
    assertThat(records).filteredOn(r -> "customer.change-credit-limit".equals(r.command()))
        .extracting(AuditRecord::outcome).containsExactly("PARKED", "PARKED", "APPROVED");
    assertThat(records).filteredOn(r -> "APPROVED".equals(r.outcome())).singleElement().satisfies(r -> {
      assertThat(r.payload().path("approval").path("requestId").asText()).isEqualTo(second);
      assertThat(r.payload().path("approval").get("approvers")).extracting(n -> n.asText())
          .containsExactly("gina", "fay", "finn");
    });
    assertThat(records).filteredOn(r -> "customer.assign-owner".equals(r.command()))
        .extracting(AuditRecord::outcome).containsExactly("PARKED");
    assertThat(records).filteredOn(r -> "approval.remind".equals(r.command())).singleElement()
        .satisfies(r -> {
          assertThat(r.actor()).isEqualTo(Workflow.TIMER);
          assertThat(r.resourceId()).isEqualTo(third);
        });
    trail.seal(acme);
    assertThat(trail.verify(acme).intact()).isTrue();
  }
}
