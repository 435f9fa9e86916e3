package dev.rapport.crm.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.fixture.StreamAudit;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.notify.MutableClock;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.ForwardingStore;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Parking and resuming on a store without multi-document transactions (MongoDB without a replica set), where a
 * commit writes one document: a resumption is marked by a uniquely named stream record in the run's own commit, so
 * it still runs at most once, also when the node dies before it marks the parked command.
 */
class SingleDocumentParkingTest {
  private static final TenantId ACME = TenantId.of("acme");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-04T08:00:00Z"));
  private final InMemoryStore store = InMemoryStore.singleDocument(clock);
  private final Actor alice = Actor.of(ACME, "alice");
  private final AtomicInteger ids = new AtomicInteger();

  /** Parks credit limits above 100,000, writing nothing of its own (the parked command is the one document). */
  private final ApprovalGate gate = request -> {
    if (request.resuming() != null || !request.command().name().equals("customer.change-credit-limit")) {
      return GateDecision.proceed();
    }
    BigDecimal amount = new BigDecimal(request.after().path("creditLimit").path("amount").asText("0"));
    return amount.compareTo(new BigDecimal("100000")) <= 0 ? GateDecision.proceed()
        : GateDecision.park("apr-" + ids.incrementAndGet(), "above 100000", List.of());
  };

  private Crm node(String name, Store s) {
    return Crm.builder().store(s).clock(clock).nodeId(name).accessPolicy(AccessPolicy.allowAll())
        .audit(new StreamAudit()).approvals(gate).publishAfterCommit(false).build();
  }

  private final Crm node1 = node("node-1", store);

  private Customer parked() {
    Customer c = node1.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "Acme 贸易").build());
    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(ApprovalPendingException.class);
    return c;
  }

  private long events() {
    return store.read(ACME, Outbox.STREAM, 0, 1000).stream().filter(r -> r.type().equals(
        "customer.credit-limit-changed")).count();
  }

  @Test
  void aParkedCommandResumesOnceOnAnotherNode() {
    Customer c = parked();
    Crm node2 = node("node-2", store);
    Approval ok = new Approval("apr-1", List.of("carol"), clock.instant());

    assertThat(node2.parkedCommands().resume(ACME, ok).status()).isEqualTo(ParkedCommands.Resumed.Status.APPLIED);
    assertThat(node1.parkedCommands().resume(ACME, ok))
        .isEqualTo(new ParkedCommands.Resumed(ParkedCommands.Resumed.Status.ALREADY_RUN, c.id(), 2));
    assertThat(node1.customers().require(alice, c.id()).creditLimit()).isEqualTo(Money.of("250000", "CNY"));
    assertThat(events()).isEqualTo(1);
    assertThat(store.read(ACME, "parked_runs", 0, 10)).singleElement()
        .satisfies(r -> assertThat(r.id()).isEqualTo("apr-1"));
  }

  @Test
  void aNodeThatDiesBeforeMarkingTheParkedCommandLeavesARunTheNextResumeFinds() {
    Customer c = parked();
    // node 1 runs the command, then dies before it marks the parked command as run
    Store dying = new ForwardingStore(store) {
      @Override
      public Committed commit(TenantId tenant, WriteBatch batch) {
        if (batch.writes().stream().anyMatch(w -> w.collection().equals(ParkedCommands.COLLECTION))) {
          throw new IllegalStateException("node died");
        }
        return super.commit(tenant, batch);
      }
    };
    Approval ok = new Approval("apr-1", List.of("carol"), clock.instant());
    assertThat(node("node-1b", dying).parkedCommands().resume(ACME, ok).status())
        .isEqualTo(ParkedCommands.Resumed.Status.APPLIED);
    assertThat(node1.parkedCommands().find(ACME, "apr-1")).isPresent();

    ParkedCommands.Resumed again = node("node-2", store).parkedCommands().resume(ACME, ok);

    assertThat(again).isEqualTo(new ParkedCommands.Resumed(ParkedCommands.Resumed.Status.ALREADY_RUN, c.id(), 2));
    assertThat(node1.customers().require(alice, c.id()).version()).isEqualTo(2);
    assertThat(events()).isEqualTo(1);
    // the second resume marked the parked command: a third answers from it
    assertThat(node1.parkedCommands().resume(ACME, ok).status()).isEqualTo(ParkedCommands.Resumed.Status.ALREADY_RUN);
  }

  @Test
  void nodesResumingAtOnceRunTheCommandOnce() throws Exception {
    Customer c = parked();
    Approval ok = new Approval("apr-1", List.of("carol"), clock.instant());
    List<Crm> nodes = List.of(node1, node("node-2", store), node("node-3", store), node("node-4", store));
    List<ParkedCommands.Resumed.Status> statuses = new CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (Crm n : nodes) {
      Thread t = new Thread(() -> {
        try {
          go.await();
          statuses.add(n.parkedCommands().resume(ACME, ok).status());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(statuses).containsExactlyInAnyOrder(ParkedCommands.Resumed.Status.APPLIED,
        ParkedCommands.Resumed.Status.ALREADY_RUN, ParkedCommands.Resumed.Status.ALREADY_RUN,
        ParkedCommands.Resumed.Status.ALREADY_RUN);
    assertThat(node1.customers().require(alice, c.id()).version()).isEqualTo(2);
    assertThat(events()).isEqualTo(1);
  }

  @Test
  void theRequesterResubmitsAParkedCommandAndTheGateParksItAgain() {
    Customer c = parked();
    assertThatThrownBy(() -> node1.parkedCommands().resubmit(Actor.of(ACME, "bob"), "apr-1"))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("approval.resubmit.requester");

    ParkedCommands.Resubmitted again = node1.parkedCommands().resubmit(alice, "apr-1");

    assertThat(again.parked()).isTrue();
    assertThat(again.requestId()).isEqualTo("apr-2");
    assertThat(again.resourceId()).isEqualTo(c.id());
    assertThat(node1.parkedCommands().find(ACME, "apr-2").orElseThrow().payload())
        .isEqualTo(node1.parkedCommands().find(ACME, "apr-1").orElseThrow().payload());
  }
}
