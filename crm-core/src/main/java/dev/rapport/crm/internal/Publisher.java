package dev.rapport.crm.internal;

import dev.rapport.crm.actor.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a tenant's delivery after each commit on an executor, never on the thread that committed. Deliveries of one
 * tenant never overlap in this JVM (the relays' leases keep other nodes out) and coalesce: commits during a run ask
 * for one more run, not one each, so a slow notifier costs the committing threads nothing and is caught up with as
 * soon as it answers.
 *
 * <p>A run answers when it wants to run again by itself (a failed event's next attempt, a lease another node holds
 * until it expires, a store that failed): the publisher schedules that run on its timer, so an event never waits
 * for the tenant's next commit. A run that throws anything, even an {@link Error}, leaves the tenant ready for the
 * next run rather than wedged.
 */
public final class Publisher implements Consumer<TenantId> {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  /** How soon a run that failed (or a relay whose store failed) is tried again. */
  public static final Duration AFTER_FAILURE = Duration.ofSeconds(1);
  private static final int IDLE = 0;
  private static final int SCHEDULED = 1;
  private static final int RUNNING = 2;
  private static final int RUNNING_AND_DIRTY = 3;

  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final Function<TenantId, Optional<Instant>> deliver;
  private final Clock clock;
  private final ConcurrentMap<TenantId, AtomicInteger> states = new ConcurrentHashMap<>();
  private final ConcurrentMap<TenantId, Instant> retries = new ConcurrentHashMap<>();

  /**
   * @param executor runs deliveries
   * @param timer schedules the runs deliveries ask for (it only calls {@link #accept}); may be {@code executor}
   * @param deliver delivers the tenant's pending events to every notifier, answering when to run again by itself
   */
  public Publisher(Executor executor, ScheduledExecutorService timer, Function<TenantId, Optional<Instant>> deliver,
                   Clock clock) {
    this.executor = executor;
    this.timer = timer;
    this.deliver = deliver;
    this.clock = clock;
  }

  /** Asks for a delivery run for {@code tenant}; returns at once. */
  @Override
  public void accept(TenantId tenant) {
    AtomicInteger state = states.computeIfAbsent(tenant, t -> new AtomicInteger(IDLE));
    while (true) {
      int s = state.get();
      if (s == IDLE) {
        if (state.compareAndSet(IDLE, SCHEDULED)) {
          submit(tenant, state);
          return;
        }
      } else if (s == RUNNING) {
        if (state.compareAndSet(RUNNING, RUNNING_AND_DIRTY)) {
          return;
        }
      } else {
        return; // a run is scheduled, or one is running and will run again
      }
    }
  }

  private void submit(TenantId tenant, AtomicInteger state) {
    try {
      executor.execute(() -> run(tenant, state));
    } catch (RejectedExecutionException e) {
      state.set(IDLE);
      LOG.warn("delivery for tenant {} not scheduled (executor refused it; closed?); the outbox keeps the events: {}",
          tenant, e.toString());
    }
  }

  private void run(TenantId tenant, AtomicInteger state) {
    state.set(RUNNING);
    boolean finished = false;
    try {
      while (true) {
        deliverOnce(tenant).ifPresent(at -> retryAt(tenant, at));
        if (state.compareAndSet(RUNNING, IDLE)) {
          finished = true;
          return;
        }
        state.set(RUNNING); // commits arrived during the run: one more
      }
    } finally {
      if (!finished) {
        state.set(IDLE); // an Error escaped: the next commit or retry starts afresh instead of finding it RUNNING
        retryAt(tenant, clock.instant().plus(AFTER_FAILURE));
      }
    }
  }

  private Optional<Instant> deliverOnce(TenantId tenant) {
    try {
      return deliver.apply(tenant);
    } catch (RuntimeException e) {
      LOG.warn("delivery for tenant {} failed; retrying in {}: {}", tenant, AFTER_FAILURE, e.toString());
      return Optional.of(clock.instant().plus(AFTER_FAILURE));
    }
  }

  /** Schedules a run at {@code at}, unless one is scheduled at or before it already. */
  private void retryAt(TenantId tenant, Instant at) {
    Instant pending = retries.get(tenant);
    if (pending != null && !pending.isAfter(at)) {
      return;
    }
    retries.put(tenant, at);
    // rounded up: a run a little early would find the event not yet due
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis() + 1);
    try {
      timer.schedule(() -> {
        retries.remove(tenant, at);
        accept(tenant);
      }, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      retries.remove(tenant, at);
      LOG.debug("retry for tenant {} not scheduled (closed); the outbox keeps the events", tenant);
    }
  }
}
