package dev.rapport.crm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.Notifier;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Delivery to notifiers never runs on the thread that ran the command: a notifier that hangs does not hold up a
 * single command, and once it answers, every event is delivered, in commit order, at least once.
 */
class PublishAfterCommitTest {
  private static final int COMMANDS = 25;
  private final InMemoryStore store = InMemoryStore.create();
  private final Actor alice = Actor.of("acme", "alice");

  /** A notifier that blocks every delivery until released, and notes what it got on which thread. */
  private static final class Blocking implements Notifier {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch firstArrived = new CountDownLatch(1);
    final List<Event> delivered = new CopyOnWriteArrayList<>();
    final Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
      return "blocking";
    }

    @Override
    public void deliver(Event event) {
      threads.add(Thread.currentThread().getName());
      firstArrived.countDown();
      try {
        if (!release.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      delivered.add(event);
    }
  }

  @Test
  void commandsReturnWhileTheNotifierHangsAndEveryEventArrivesInOrderAfterwards() throws Exception {
    Blocking notifier = new Blocking();
    try (Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .notifier(notifier).build()) {
      List<Customer> created = new ArrayList<>();
      created.add(crm.customers().create(alice, person(0)));
      // the first delivery is now hanging in the notifier ...
      assertThat(notifier.firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
      // ... and every further command still completes, on this thread, while it hangs
      for (int i = 1; i < COMMANDS; i++) {
        created.add(crm.customers().create(alice, person(i)));
      }
      assertThat(created).hasSize(COMMANDS);
      assertThat(notifier.release.getCount()).as("the notifier is still blocked").isEqualTo(1);
      assertThat(notifier.delivered).isEmpty();
      assertThat(notifier.threads).doesNotContain(Thread.currentThread().getName());

      notifier.release.countDown();
      awaitDelivered(notifier, COMMANDS);

      List<String> outboxOrder = store.read(alice.tenant(), Outbox.STREAM, 0, 1000).stream()
          .map(r -> Event.fromJson(r.payload()).id()).toList();
      // at least once, in commit order: de-duplicated by event id, the deliveries are the outbox in order
      assertThat(notifier.delivered.stream().map(Event::id).distinct().toList()).isEqualTo(outboxOrder);
      assertThat(notifier.delivered.stream().map(Event::aggregateId).distinct().toList())
          .isEqualTo(created.stream().map(Customer::id).toList());
      assertThat(notifier.threads).allSatisfy(t -> assertThat(t).startsWith("rapport-publisher-"));
    }
  }

  @Test
  void theHostsExecutorRunsDeliveriesAndIsNotShutDownByClose() throws Exception {
    ExecutorService host = Executors.newFixedThreadPool(2, r -> new Thread(r, "host-pool"));
    try {
      List<Event> got = new CopyOnWriteArrayList<>();
      Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
      Notifier recording = new Notifier() {
        @Override
        public String name() {
          return "recording";
        }

        @Override
        public void deliver(Event event) {
          threads.add(Thread.currentThread().getName());
          got.add(event);
        }
      };
      try (Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
          .notifier(recording).publishOn(host).build()) {
        for (int i = 0; i < 10; i++) {
          crm.customers().create(alice, person(i));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.stream().map(Event::id).distinct().count() < 10 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
      }
      assertThat(got.stream().map(Event::id).distinct()).hasSize(10);
      assertThat(threads).containsOnly("host-pool");
      assertThat(host.isShutdown()).isFalse();
    } finally {
      host.shutdownNow();
    }
  }

  @Test
  void closeStopsTheOwnedThreadAndLeavesUndeliveredEventsInTheOutbox() throws Exception {
    Blocking notifier = new Blocking();
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .notifier(notifier).nodeId("close-test").build();
    crm.customers().create(alice, person(1));
    assertThat(notifier.firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
    notifier.release.countDown();
    crm.close();
    // the pool has terminated; its worker thread may still be on its way out: it ends without anyone's help
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("rapport-publisher-close-test")) {
        t.join(Duration.ofSeconds(10).toMillis());
      }
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("rapport-publisher-close-test")
        && t.isAlive());
    // commands still work after close; their events wait in the outbox for the next run
    crm.customers().create(alice, person(2));
    assertThat(store.read(alice.tenant(), Outbox.STREAM, 0, 100)).hasSize(2);
    crm.publish(alice.tenant());
    assertThat(notifier.delivered.stream().map(Event::id).distinct()).hasSize(2);
  }

  /** A notifier that throws the given failures, one per call, then accepts everything. */
  private static final class Flaky implements Notifier {
    final List<Event> delivered = new CopyOnWriteArrayList<>();
    final java.util.Deque<Throwable> failures;
    final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    Flaky(Throwable... failures) {
      this.failures = new java.util.concurrent.ConcurrentLinkedDeque<>(List.of(failures));
    }

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public void deliver(Event event) throws Exception {
      calls.incrementAndGet();
      Throwable next = failures.poll();
      if (next instanceof Exception e) {
        throw e;
      }
      if (next instanceof Error e) {
        throw e;
      }
      delivered.add(event);
    }
  }

  @Test
  void aFailedDeliveryIsRetriedAtItsNextAttemptWithoutWaitingForAnotherCommand() throws Exception {
    Flaky notifier = new Flaky(new java.io.IOException("503 from the endpoint"),
        new java.io.IOException("503 again"));
    try (Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .notifier(notifier).retryPolicy(dev.rapport.crm.notify.RetryPolicy.ofDefaults()
            .withInitialBackoff(Duration.ofMillis(50))).build()) {
      Customer c = crm.customers().create(alice, person(1));
      // no further command: the publisher's own timer brings the event through on its third attempt
      awaitUntil(() -> !notifier.delivered.isEmpty());
      assertThat(notifier.delivered).extracting(Event::aggregateId).containsExactly(c.id());
      assertThat(notifier.calls).hasValue(3);
    }
  }

  @Test
  void aNotifierThatThrowsAnErrorDoesNotStopDeliveryForTheTenant() throws Exception {
    Flaky notifier = new Flaky(new AssertionError("a bug in the host's notifier"));
    try (Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .notifier(notifier).build()) {
      Customer first = crm.customers().create(alice, person(1));
      awaitUntil(() -> notifier.calls.get() >= 1);
      Customer second = crm.customers().create(alice, person(2));
      awaitUntil(() -> notifier.delivered.size() >= 2);
      assertThat(notifier.delivered).extracting(Event::aggregateId).containsExactly(first.id(), second.id());
    }
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("within 30 s").isTrue();
  }

  private static void awaitDelivered(Blocking notifier, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (notifier.delivered.stream().map(Event::id).distinct().count() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(notifier.delivered.stream().map(Event::id).distinct()).hasSize(count);
  }

  private static CustomerData person(int i) {
    return CustomerData.builder(CustomerKind.PERSON, "Customer " + i).build();
  }
}
