package dev.rapport.crm.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over one PostgreSQL database sweep 10,000 due timers at once, with a lease short enough to change hands
 * while they do (the clock runs fast): every timer fires exactly once.
 */
class TwoNodeSweepPostgresTest {
  private static final int REQUESTS = 10_000;

  static final ApprovalDefinition NEW_KEY_ACCOUNT = ApprovalDefinition.builder("new-key-account", 1)
      .trigger(ApprovalDefinition.Trigger.on("customer.create").when("resource.grade == 'A'"))
      .step(ApprovalStep.named("sales-director").approvers(Approvers.users("dora"))
          .timeLimit(Duration.ofHours(1), OnExpiry.remind()).build())
      .build();

  @Test
  void everyDueTimerFiresExactlyOnce() throws Exception {
    MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
    try (TestServers.Opened opened = TestServers.postgres("workflow_sweep", clock)) {
      TenantId tenant = TenantId.of("acme");
      Workflow a = Workflow.builder().definition(NEW_KEY_ACCOUNT).leaseTtl(Duration.ofSeconds(2)).sweepBatch(100)
          .build();
      Workflow b = Workflow.builder().definition(NEW_KEY_ACCOUNT).leaseTtl(Duration.ofSeconds(2)).sweepBatch(100)
          .build();
      Crm crmA = crm(opened.store(), a, clock, "node-a");
      crm(opened.anotherNode(), b, clock, "node-b");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> makers = new ArrayList<>();
        AtomicInteger parked = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          makers.add(pool.submit(() -> {
            Actor alice = Actor.of(tenant, "alice");
            for (int i = thread; i < REQUESTS; i += 4) {
              try {
                crmA.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "Key " + i)
                    .grade("A").build());
              } catch (ApprovalPendingException e) {
                parked.incrementAndGet();
              }
            }
            return null;
          }));
        }
        for (Future<?> f : makers) {
          f.get();
        }
        assertThat(parked).hasValue(REQUESTS);

        clock.advance(Duration.ofMinutes(61));
        // the clock runs 20 times faster than real time: 2 s leases expire every 100 ms
        AtomicBoolean sweeping = new AtomicBoolean(true);
        Future<?> ticking = pool.submit(() -> {
          while (sweeping.get()) {
            clock.advance(Duration.ofMillis(100));
            Thread.sleep(5);
          }
          return null;
        });
        AtomicInteger firedA = new AtomicInteger();
        AtomicInteger firedB = new AtomicInteger();
        List<Future<?>> sweepers = new ArrayList<>();
        for (Object[] node : new Object[][] {{a, firedA}, {b, firedB}}) {
          Workflow w = (Workflow) node[0];
          AtomicInteger fired = (AtomicInteger) node[1];
          sweepers.add(pool.submit(() -> {
            while (firedA.get() + firedB.get() < REQUESTS) {
              fired.addAndGet(w.sweep(tenant).fired());
            }
            return null;
          }));
        }
        for (Future<?> f : sweepers) {
          f.get();
        }
        sweeping.set(false);
        ticking.get();
        // nothing is due any more, on either node
        assertThat(a.sweep(tenant).fired() + b.sweep(tenant).fired()).isZero();

        assertThat(firedA.get() + firedB.get()).isEqualTo(REQUESTS);
        List<StreamRecord> reminders = new ArrayList<>();
        long after = 0;
        while (true) {
          List<StreamRecord> page = opened.store().read(tenant, Outbox.STREAM, after, 1000);
          page.stream().filter(r -> r.type().equals("approval.reminder")).forEach(reminders::add);
          if (page.size() < 1000) {
            break;
          }
          after = page.get(page.size() - 1).position();
        }
        Set<String> requests = new HashSet<>();
        reminders.forEach(r -> requests.add(r.payload().path("aggregateId").asText()));
        assertThat(reminders).hasSize(REQUESTS);
        assertThat(requests).hasSize(REQUESTS);
        assertThat(a.requests(tenant, RequestState.PENDING, 1000))
            .allSatisfy(r -> assertThat(r.step().reminders()).isEqualTo(1));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static Crm crm(Store store, Workflow w, MutableClock clock, String node) {
    return Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .approvals(w).clock(clock).nodeId(node).publishAfterCommit(false).build();
  }
}
