package dev.rapport.crm.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.testkit.CrashingStore;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node dies at each commit of the final approval (just before it, or just after it without learning it
 * succeeded); the node that takes over recovers, the approver tries again if their vote was lost, and the command
 * runs once. With multi-document transactions the final vote and its command are one commit; without, they are
 * three (the vote, the command, how it ran), and a crash between them is finished by recovery.
 */
abstract class CrashRecoveryContract extends OneStorePerClass {
  /** Where the node dies. */
  enum CrashPoint {
    BEFORE_THE_APPROVAL_COMMIT(true, true, execution("PENDING")),
    AFTER_THE_APPROVAL_COMMIT(true, false, execution("PENDING")),
    BEFORE_THE_COMMAND_COMMIT(false, true, writes("customers")),
    AFTER_THE_COMMAND_COMMIT(false, false, writes("customers")),
    BEFORE_RECORDING_THE_RUN(true, true, execution("RAN")),
    AFTER_RECORDING_THE_RUN(true, false, execution("RAN"));

    /** Whether the point exists only where the decision and its command are separate commits. */
    final boolean separateCommits;
    final boolean before;
    final Predicate<WriteBatch> batch;

    CrashPoint(boolean separateCommits, boolean before, Predicate<WriteBatch> batch) {
      this.separateCommits = separateCommits;
      this.before = before;
      this.batch = batch;
    }

    private static Predicate<WriteBatch> writes(String collection) {
      return CrashingStore.writesTo(collection);
    }

    /** The commit that writes the request with this execution status. */
    private static Predicate<WriteBatch> execution(String status) {
      return b -> b.writes().stream().anyMatch(w -> w.collection().equals(Workflow.REQUESTS) && w.written() != null
          && status.equals(w.written().body().path("execution").path("status").asText()));
    }
  }

  /** Another store object over the same database, like a second JVM's; the in-memory stores have only one. */
  Store secondNode() {
    try {
      return opened.anotherNode();
    } catch (UnsupportedOperationException oneOnly) {
      return opened.store();
    }
  }

  private Crm node(String name, Store store, Workflow workflow, TenantId tenant) {
    Directory dir = Directory.inMemory().manager(tenant.value(), "alice", "bob")
        .role(tenant.value(), "finance", "fay", "finn", "fred").build();
    return Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .directory(dir).approvals(workflow).clock(clock).nodeId(name).publishAfterCommit(false).build();
  }

  @ParameterizedTest
  @EnumSource(CrashPoint.class)
  void theCommandRunsOnceAfterRecovery(CrashPoint point) {
    boolean separate = !opened.store().supports(dev.rapport.crm.store.Capability.MULTI_DOCUMENT_TRANSACTIONS);
    org.junit.jupiter.api.Assumptions.assumeTrue(separate || !point.separateCommits,
        "the final approval and its command are one commit on this store");
    TenantId tenant = TenantId.of("t" + UUID.randomUUID().toString().substring(0, 8));
    CrashingStore dying = new CrashingStore(opened.store());
    Workflow w1 = Workflow.fromDefinitions(ScenarioContract.CREDIT);
    Crm node1 = node("node-1", dying, w1, tenant);
    Workflow w2 = Workflow.fromDefinitions(ScenarioContract.CREDIT);
    node("node-2", secondNode(), w2, tenant);
    Actor alice = Actor.of(tenant, "alice");
    Customer c = node1.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "Tea Co 茶")
        .creditLimit("50000", "CNY").build());
    String id;
    try {
      node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "raise");
      throw new AssertionError("not parked");
    } catch (ApprovalPendingException e) {
      id = e.requestId();
    }
    String request = id;
    w1.approve(Actor.of(tenant, "bob"), request, null);
    w1.approve(Actor.of(tenant, "fay"), request, null);
    if (point.before) {
      dying.crashBefore(point.batch);
    } else {
      dying.crashAfter(point.batch);
    }

    assertThatThrownBy(() -> w1.approve(Actor.of(tenant, "finn"), request, null))
        .isInstanceOf(CrashingStore.Crash.class);
    assertThat(dying.crashes()).isEqualTo(1);

    // the other node recovers (a sweep does the same), as often as it likes
    int recovered = w2.recover(tenant);
    assertThat(w2.recover(tenant)).isZero();
    assertThat(w2.sweep(tenant).executed()).isZero();
    // a crash before the deciding commit lost the vote: finn votes again, on the other node
    boolean lost = point == CrashPoint.BEFORE_THE_APPROVAL_COMMIT
        || (!separate && point == CrashPoint.BEFORE_THE_COMMAND_COMMIT);
    if (lost) {
      assertThat(w2.request(tenant, request).state()).isEqualTo(RequestState.PENDING);
      w2.approve(Actor.of(tenant, "finn"), request, null);
    }

    boolean finishedByRecovery = separate && !lost && point != CrashPoint.AFTER_RECORDING_THE_RUN;
    assertThat(recovered).isEqualTo(finishedByRecovery ? 1 : 0);
    ApprovalRequest r = w2.request(tenant, request);
    assertThat(r.state()).isEqualTo(RequestState.APPROVED);
    assertThat(r.execution().status()).isEqualTo("RAN");
    assertThat(r.execution().resourceVersion()).isEqualTo(c.version() + 1);
    Customer after = node1.customers().require(alice, c.id());
    assertThat(after.creditLimit()).isEqualTo(Money.of("250000", "CNY"));
    assertThat(after.version()).isEqualTo(c.version() + 1);
    assertThat(opened.store().read(tenant, Outbox.STREAM, 0, 1000).stream()
        .filter(e -> e.type().equals("customer.credit-limit-changed")).count()).isEqualTo(1);
    assertThat(w2.lockOf(tenant, "customer", c.id())).isEmpty();
  }
}
