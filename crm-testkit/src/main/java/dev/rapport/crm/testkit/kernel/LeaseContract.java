package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Leases: one owner at a time; the holder renews keeping its fencing token; an expired lease (by the store's
 * clock) can be taken over with a greater token; a write guarded by a lease that changed hands is refused.
 */
public abstract class LeaseContract extends KernelContract {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final int CONTENDERS = 16;

  private Optional<Lease> acquire(String owner) {
    return store.tryAcquire(tenant, "job", owner, TTL);
  }

  @Test
  void freeLeaseIsGrantedUntilNowPlusTtl() {
    Lease lease = acquire("node-1").orElseThrow();

    assertThat(lease.name()).isEqualTo("job");
    assertThat(lease.owner()).isEqualTo("node-1");
    assertThat(lease.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    assertThat(lease.token()).isPositive();
  }

  @Test
  void heldLeaseIsNotGrantedToAnotherOwner() {
    acquire("node-1").orElseThrow();

    assertThat(acquire("node-2")).isEmpty();
    clock.advance(TTL.minusMillis(1));
    assertThat(acquire("node-2")).as("one millisecond before expiry").isEmpty();
  }

  @Test
  void renewalKeepsTheTokenAndExtendsExpiry() {
    Lease first = acquire("node-1").orElseThrow();
    clock.advance(Duration.ofSeconds(20));

    Lease renewed = acquire("node-1").orElseThrow();
    assertThat(renewed.token()).isEqualTo(first.token());
    assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    clock.advance(Duration.ofSeconds(20));
    assertThat(acquire("node-2")).as("renewed lease is still held").isEmpty();
  }

  @Test
  void expiredLeaseIsTakenOverWithAGreaterToken() {
    Lease first = acquire("node-1").orElseThrow();
    clock.advance(TTL);

    Lease second = acquire("node-2").orElseThrow();
    assertThat(second.owner()).isEqualTo("node-2");
    assertThat(second.token()).isGreaterThan(first.token());
    assertThat(acquire("node-1")).as("the former owner lost it").isEmpty();

    clock.advance(TTL.plusMinutes(5));
    Lease third = acquire("node-1").orElseThrow();
    assertThat(third.token()).isGreaterThan(second.token());
  }

  @Test
  void releaseFreesTheLeaseForAnotherOwner() {
    Lease first = acquire("node-1").orElseThrow();

    assertThat(store.release(tenant, first)).isTrue();
    Lease second = acquire("node-2").orElseThrow();
    assertThat(second.token()).isGreaterThan(first.token());
  }

  @Test
  void releaseByAFormerOwnerReturnsFalseAndKeepsTheNewOwner() {
    Lease first = acquire("node-1").orElseThrow();
    clock.advance(TTL);
    Lease second = acquire("node-2").orElseThrow();

    assertThat(store.release(tenant, first)).isFalse();
    assertThat(acquire("node-3")).isEmpty();
    assertThat(store.release(tenant, second)).isTrue();
  }

  @Test
  void releaseOfAForgedTokenReturnsFalse() {
    Lease lease = acquire("node-1").orElseThrow();

    assertThat(store.release(tenant, new Lease("job", "node-1", lease.token() + 7, lease.expiresAt()))).isFalse();
    assertThat(store.release(tenant, new Lease("job", "node-2", lease.token(), lease.expiresAt()))).isFalse();
    assertThat(acquire("node-2")).isEmpty();
  }

  @Test
  void leaseGuardLetsTheHolderCommit() {
    Lease lease = acquire("node-1").orElseThrow();

    commit(WriteBatch.builder().insert(THINGS, thing("a").build()).guardedBy(WriteBatch.LeaseGuard.of(lease)));
    assertThat(store.get(tenant, THINGS, "a")).isPresent();
  }

  @Test
  void leaseGuardFailsAfterTakeoverAndNothingIsWritten() {
    Lease first = acquire("node-1").orElseThrow();
    clock.advance(TTL);
    acquire("node-2").orElseThrow();

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .append(EVENTS, "e1", "t", json())
        .guardedBy(WriteBatch.LeaseGuard.of(first))))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    assertThat(allChanges(tenant)).isEmpty();
  }

  @Test
  void leaseGuardFailsOnceTheLeaseExpiredOrWasReleased() {
    Lease lease = acquire("node-1").orElseThrow();
    clock.advance(TTL);

    assertThatThrownBy(() -> commit(WriteBatch.builder().append(EVENTS, "e1", "t", json())
        .guardedBy(WriteBatch.LeaseGuard.of(lease)))).isInstanceOf(VersionConflictException.class);

    Lease renewed = acquire("node-1").orElseThrow();
    store.release(tenant, renewed);
    assertThatThrownBy(() -> commit(WriteBatch.builder().append(EVENTS, "e1", "t", json())
        .guardedBy(WriteBatch.LeaseGuard.of(renewed)))).isInstanceOf(VersionConflictException.class);
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
  }

  @Test
  void leasesOfDifferentNamesAreIndependent() {
    acquire("node-1").orElseThrow();

    assertThat(store.tryAcquire(tenant, "other-job", "node-2", TTL)).isPresent();
  }

  /** Many nodes race for the same free (or expired) lease: exactly one wins each round. */
  @Test
  void concurrentTryAcquireHasExactlyOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONTENDERS);
    try {
      long lastToken = 0;
      for (int round = 0; round < 5; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Lease>>> tries = new ArrayList<>();
        for (int i = 0; i < CONTENDERS; i++) {
          String owner = "round" + round + "-node" + i;
          tries.add(pool.submit(() -> {
            start.await();
            return store.tryAcquire(tenant, "race", owner, TTL);
          }));
        }
        start.countDown();
        List<Lease> winners = new ArrayList<>();
        for (Future<Optional<Lease>> f : tries) {
          f.get(1, TimeUnit.MINUTES).ifPresent(winners::add);
        }
        assertThat(winners).as("winners of round %d", round).hasSize(1);
        assertThat(winners.get(0).token()).isGreaterThan(lastToken);
        lastToken = winners.get(0).token();
        Instant expiry = winners.get(0).expiresAt();
        clock.set(expiry);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
