package dev.rapport.crm.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxRelayTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final TenantId GLOBEX = TenantId.of("globex");
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10));

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T08:00:00Z"));
  private InMemoryStore store = InMemoryStore.create(clock);
  private final ScriptedNotifier notifier = new ScriptedNotifier();

  @BeforeEach
  void registerCollections() {
    Outbox.collections().forEach(store::register);
  }

  @Test
  void deliversEveryEventInCommitOrderAndOnlyOnce() {
    List<String> ids = commit(ACME, 5);
    OutboxRelay relay = relay("node-a", notifier);

    RelayResult first = relay.runOnce(ACME);
    RelayResult second = relay.runOnce(ACME);

    assertThat(first).isEqualTo(new RelayResult(5, 0, 0, false));
    assertThat(second).isEqualTo(new RelayResult(0, 0, 0, false));
    assertThat(notifier.deliveredIds()).containsExactlyElementsOf(ids);

    List<String> later = commit(ACME, 2);
    relay.runOnce(ACME);
    List<String> all = new ArrayList<>(ids);
    all.addAll(later);
    assertThat(notifier.deliveredIds()).containsExactlyElementsOf(all);
  }

  @Test
  void readsAcrossSeveralBatchesInOneRun() {
    List<String> ids = commit(ACME, 7);
    OutboxRelay relay = OutboxRelay.builder().store(store).notifier(notifier).clock(clock).owner("node-a")
        .batchSize(2).build();

    assertThat(relay.runOnce(ACME).delivered()).isEqualTo(7);
    assertThat(notifier.deliveredIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void keepsTenantsApartAndAsTaskRunsEveryTenant() {
    List<String> acme = commit(ACME, 2);
    List<String> globex = commit(GLOBEX, 3);
    OutboxRelay relay = relay("node-a", notifier);

    relay.asTask(() -> List.of(ACME, GLOBEX)).run();

    assertThat(notifier.deliveredIds()).containsExactlyInAnyOrderElementsOf(concat(acme, globex));
    assertThat(relay.runOnce(GLOBEX).delivered()).isZero();
  }

  @ParameterizedTest(name = "multi-document transactions: {0}")
  @ValueSource(booleans = {true, false})
  void retriesWithBackoffThenDeadLettersAndMovesOn(boolean transactions) {
    store = transactions ? InMemoryStore.create(clock) : InMemoryStore.singleDocument(clock);
    registerCollections();
    List<String> ids = commit(ACME, 3);
    String poison = ids.get(1);
    notifier.failWhen(e -> e.id().equals(poison));
    OutboxRelay relay = relay("node-a", notifier);

    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(1, 1, 0, false));
    // Backing off for 1s: nothing happens, and the third event does not overtake the second.
    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(0, 0, 0, false));
    clock.advance(Duration.ofMillis(999));
    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(0, 0, 0, false));
    clock.advance(Duration.ofMillis(1));
    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(0, 1, 0, false));
    // Second failure: the wait doubles to 2s.
    clock.advance(Duration.ofMillis(1999));
    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(0, 0, 0, false));
    clock.advance(Duration.ofMillis(1));
    // Third attempt is the last one allowed: dead-lettered, and the third event flows in the same run.
    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(1, 0, 1, false));

    assertThat(notifier.attempts()).containsExactly(ids.get(0), poison, poison, poison, ids.get(2));
    assertThat(notifier.deliveredIds()).containsExactly(ids.get(0), ids.get(2));
    List<DeadLetter> dead = relay.deadLetters(ACME, 10);
    assertThat(dead).hasSize(1);
    DeadLetter letter = dead.get(0);
    assertThat(letter.eventId()).isEqualTo(poison);
    assertThat(letter.notifier()).isEqualTo("scripted");
    assertThat(letter.attempts()).isEqualTo(3);
    assertThat(letter.lastError()).contains("IllegalStateException", "receiver down");
    assertThat(letter.failedAt()).isEqualTo(clock.instant());
    assertThat(letter.event().id()).isEqualTo(poison);

    // Later events flow normally: no lingering backoff.
    List<String> later = commit(ACME, 1);
    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(1, 0, 0, false));
    assertThat(notifier.deliveredIds()).endsWith(later.get(0));
  }

  @Test
  void redeliverRetriesADeadLetterAndRemovesItOnSuccess() {
    List<String> ids = commit(ACME, 1);
    notifier.failWhen(e -> true);
    OutboxRelay relay = relay("node-a", notifier, RETRY.withMaxAttempts(1));
    assertThat(relay.runOnce(ACME).deadLettered()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    assertThat(relay.redeliver(ACME, ids.get(0))).isFalse();
    assertThat(relay.deadLetters(ACME, 10)).singleElement().satisfies(d -> {
      assertThat(d.attempts()).isEqualTo(2);
      assertThat(d.failedAt()).isEqualTo(clock.instant());
    });

    notifier.failWhen(e -> false);
    assertThat(relay.redeliver(ACME, ids.get(0))).isTrue();
    assertThat(notifier.deliveredIds()).containsExactly(ids.get(0));
    assertThat(relay.deadLetters(ACME, 10)).isEmpty();
    assertThatThrownBy(() -> relay.redeliver(ACME, ids.get(0))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void onlyTheLeaseHolderDeliversAndAnotherNodeTakesOverWhenItExpires() {
    commit(ACME, 2);
    ScriptedNotifier onA = new ScriptedNotifier();
    ScriptedNotifier onB = new ScriptedNotifier();
    OutboxRelay a = relay("node-a", onA);
    OutboxRelay b = relay("node-b", onB);

    assertThat(a.runOnce(ACME).delivered()).isEqualTo(2);
    List<String> later = commit(ACME, 1);
    assertThat(b.runOnce(ACME)).isEqualTo(new RelayResult(0, 0, 0, true));
    assertThat(onB.deliveredIds()).isEmpty();

    clock.advance(TTL);
    // Node A went quiet; B takes over and continues from A's cursor, not from the start.
    assertThat(b.runOnce(ACME)).isEqualTo(new RelayResult(1, 0, 0, false));
    assertThat(onB.deliveredIds()).containsExactlyElementsOf(later);
    assertThat(a.runOnce(ACME).leaseHeldElsewhere()).isTrue();
  }

  @Test
  void aCrashBetweenDeliveryAndCursorWriteRedeliversTheSameEvent() {
    List<String> ids = commit(ACME, 3);
    notifier.crashOnceAfterDelivering(e -> e.id().equals(ids.get(1)));
    OutboxRelay a = relay("node-a", notifier);

    assertThatThrownBy(() -> a.runOnce(ACME)).isInstanceOf(ScriptedNotifier.SimulatedCrash.class);
    assertThat(notifier.deliveredIds()).containsExactly(ids.get(0), ids.get(1));

    clock.advance(TTL);
    OutboxRelay b = relay("node-b", notifier);
    assertThat(b.runOnce(ACME).delivered()).isEqualTo(2);
    // At least once: the second event arrives twice, with the same id for the consumer to de-duplicate.
    assertThat(notifier.deliveredIds()).containsExactly(ids.get(0), ids.get(1), ids.get(1), ids.get(2));
  }

  @Test
  void aRelayThatLostItsLeaseCannotMoveTheCursor() {
    List<String> ids = commit(ACME, 2);
    // Node A's delivery of the first event outlasts its lease; B takes over meanwhile.
    ScriptedNotifier slow = new ScriptedNotifier();
    OutboxRelay b = relay("node-b", notifier);
    slow.failWhen(e -> {
      clock.advance(TTL);
      assertThat(b.runOnce(ACME).delivered()).isEqualTo(2);
      return false;
    });
    OutboxRelay a = relay("node-a", slow);

    RelayResult resultA = a.runOnce(ACME);

    assertThat(resultA).isEqualTo(new RelayResult(0, 0, 0, false));
    assertThat(notifier.deliveredIds()).containsExactlyElementsOf(ids);
    // B's cursor stands: nothing is delivered again.
    clock.advance(TTL);
    assertThat(b.runOnce(ACME).delivered()).isZero();
  }

  @Test
  void anUnreadableOutboxRecordIsDeadLetteredWithoutBlockingTheRest() {
    store.commit(ACME, WriteBatch.builder()
        .append(Outbox.STREAM, "broken-1", "customer.created", JsonNodeFactory.instance.objectNode().put("id", 1))
        .build());
    List<String> ids = commit(ACME, 1);
    OutboxRelay relay = relay("node-a", notifier);

    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(1, 0, 1, false));
    assertThat(notifier.deliveredIds()).containsExactlyElementsOf(ids);
    assertThat(relay.deadLetters(ACME, 10)).singleElement().satisfies(d -> {
      assertThat(d.eventId()).isEqualTo("broken-1");
      assertThat(d.lastError()).contains("unreadable");
    });
    assertThatThrownBy(() -> relay.redeliver(ACME, "broken-1")).isInstanceOf(ValidationException.class);
  }

  @Test
  void builderRejectsBadSettingsAtOnce() {
    OutboxRelay.Builder b = OutboxRelay.builder();
    assertThatThrownBy(() -> b.batchSize(0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> b.leaseTtl(Duration.ZERO)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> b.owner(" ")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(b::build).isInstanceOf(ValidationException.class).hasMessageContaining(".store(");
    Notifier badName = new Notifier() {
      @Override
      public String name() {
        return "Bad Name";
      }

      @Override
      public void deliver(Event event) {}
    };
    assertThatThrownBy(() -> b.notifier(badName)).isInstanceOf(ValidationException.class);
  }

  private OutboxRelay relay(String owner, Notifier n) {
    return relay(owner, n, RETRY);
  }

  private OutboxRelay relay(String owner, Notifier n, RetryPolicy policy) {
    return OutboxRelay.builder().store(store).notifier(n).retryPolicy(policy).clock(clock).owner(owner)
        .leaseTtl(TTL).batchSize(100).build();
  }

  /** Commits {@code n} events, one command each, as the command path does; returns their ids in order. */
  private List<String> commit(TenantId tenant, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Event e = Events.customerCreated(tenant, clock.instant());
      store.commit(tenant, WriteBatch.builder().append(e.toAppend()).build());
      ids.add(e.id());
    }
    return ids;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

}
