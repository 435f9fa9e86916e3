package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over one database, each writing records from two threads while its sealer runs in a loop with a short
 * lease: one chain, no fork, every record sealed once the sealers have run, and each block sealed by one node.
 */
abstract class TwoNodeSealingContract {
  private static final int PER_THREAD = 40;
  private static final int THREADS_PER_NODE = 2;

  abstract TestServers.Opened open(Clock clock) throws Exception;

  /** One node: its own store object, Crm and trail, recording which blocks it sealed. */
  private static final class Node {
    final String name;
    final AuditTrail audit;
    final Crm crm;
    final List<Checkpoint> sealed = new CopyOnWriteArrayList<>();

    Node(String name, Store store) {
      this.name = name;
      this.audit = AuditTrail.builder().blockSize(7).leaseTtl(Duration.ofMillis(300))
          .witness((tenant, checkpoint) -> sealed.add(checkpoint)).build();
      this.crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(audit).nodeId(name).build();
    }
  }

  @Test
  void twoNodesWriteAndSealOneChain() throws Exception {
    try (TestServers.Opened opened = open(Clock.systemUTC())) {
      Node a = new Node("node-a", opened.store());
      Node b = new Node("node-b", opened.anotherNode());
      TenantId tenant = TenantId.of("acme");
      AtomicBoolean writing = new AtomicBoolean(true);
      Map<String, Integer> leaseHeldBy = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE + 2);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (Node n : List.of(a, b)) {
          for (int t = 0; t < THREADS_PER_NODE; t++) {
            Actor actor = Actor.of(tenant, n.name + "-writer-" + t);
            writers.add(pool.submit(() -> {
              for (int i = 0; i < PER_THREAD; i++) {
                n.crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, actor.userId() + " " + i)
                    .build());
              }
              return null;
            }));
          }
        }
        List<Future<?>> sealers = new ArrayList<>();
        for (Node n : List.of(a, b)) {
          sealers.add(pool.submit(() -> {
            while (writing.get()) {
              AuditTrail.Seal s = n.audit.seal(tenant);
              if (s.leaseHeld()) {
                leaseHeldBy.merge(n.name, 1, Integer::sum);
              }
              Thread.sleep(5);
            }
            return null;
          }));
        }
        for (Future<?> w : writers) {
          w.get(2, TimeUnit.MINUTES);
        }
        writing.set(false);
        for (Future<?> s : sealers) {
          s.get(1, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      // the sealers run until everything is sealed, whichever node holds the lease
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int total = 2 * THREADS_PER_NODE * PER_THREAD;
      while (a.audit.verify(tenant).sealed() < total && System.nanoTime() < deadline) {
        a.audit.sealPending();
        b.audit.sealPending();
        a.audit.seal(tenant);
        b.audit.seal(tenant);
        Thread.sleep(50);
      }

      for (Node n : List.of(a, b)) {
        Verification v = n.audit.verify(tenant);
        assertThat(v.intact()).as("%s: %s", n.name, v).isTrue();
        assertThat(v.records()).isEqualTo(total);
        assertThat(v.sealed()).as("no record left unsealed").isEqualTo(total);
      }
      // one chain: every block number sealed exactly once, by one node or the other, and they add up
      List<Checkpoint> all = new ArrayList<>(a.sealed);
      all.addAll(b.sealed);
      assertThat(all).extracting(Checkpoint::block).doesNotHaveDuplicates();
      long blocks = a.audit.verify(tenant).blocks();
      assertThat(all).hasSize((int) blocks);
      assertThat(all.stream().mapToLong(Checkpoint::records).max().orElse(0)).isEqualTo(total);
      assertThat(leaseHeldBy).isNotEmpty();
    }
  }
}
