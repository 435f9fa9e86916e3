package dev.rapport.crm.internal;

import dev.rapport.crm.actor.TenantId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a tenant's delivery after each commit on an executor, never on the thread that committed. Deliveries of one
 * tenant never overlap in this JVM (the relays' leases keep other nodes out) and coalesce: commits during a run ask
 * for one more run, not one each, so a slow notifier costs the committing threads nothing and is caught up with as
 * soon as it answers.
 */
public final class Publisher implements Consumer<TenantId> {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private static final int IDLE = 0;
  private static final int SCHEDULED = 1;
  private static final int RUNNING = 2;
  private static final int RUNNING_AND_DIRTY = 3;

  private final Executor executor;
  private final Consumer<TenantId> deliver;
  private final ConcurrentMap<TenantId, AtomicInteger> states = new ConcurrentHashMap<>();

  /**
   * @param deliver delivers the tenant's pending events to every notifier (runs on {@code executor})
   */
  public Publisher(Executor executor, Consumer<TenantId> deliver) {
    this.executor = executor;
    this.deliver = deliver;
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
      LOG.warn("delivery for tenant {} not scheduled (executor refused it; closed?); the outbox keeps the events",
          tenant, e);
    }
  }

  private void run(TenantId tenant, AtomicInteger state) {
    state.set(RUNNING);
    while (true) {
      try {
        deliver.accept(tenant);
      } catch (RuntimeException e) {
        LOG.warn("delivery for tenant {} failed; the relay retries on the next run: {}", tenant, e.toString());
      }
      if (state.compareAndSet(RUNNING, IDLE)) {
        return;
      }
      state.set(RUNNING); // commits arrived during the run: one more
    }
  }
}
