package dev.rapport.crm.testkit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.ForwardingStore;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A store that simulates a node dying around one commit: armed with {@link #crashBefore} or {@link #crashAfter},
 * the next commit whose batch matches throws {@link Crash} either instead of committing or after committing (the
 * database has it, the node never learned). Once only; then it forwards everything again. Recovery tests give the
 * same underlying store to a second {@code Crm} (the node that takes over) and check that work finishes exactly
 * once.
 *
 * <pre>{@code
 * CrashingStore node1Store = new CrashingStore(store);
 * node1Store.crashAfter(CrashingStore.writesTo("parked_commands"));
 * }</pre>
 */
public final class CrashingStore extends ForwardingStore {
  private volatile @Nullable Predicate<WriteBatch> before;
  private volatile @Nullable Predicate<WriteBatch> after;
  private volatile int crashes;

  public CrashingStore(Store delegate) {
    super(delegate);
  }

  /** The next matching commit throws {@link Crash} without committing. */
  public CrashingStore crashBefore(Predicate<WriteBatch> batch) {
    before = batch;
    return this;
  }

  /** The next matching commit commits, then throws {@link Crash}. */
  public CrashingStore crashAfter(Predicate<WriteBatch> batch) {
    after = batch;
    return this;
  }

  /** How many crashes it simulated. */
  public int crashes() {
    return crashes;
  }

  /** Batches writing a document of {@code collection}. */
  public static Predicate<WriteBatch> writesTo(String collection) {
    return b -> b.writes().stream().anyMatch(w -> w.collection().equals(collection));
  }

  /** Batches appending to {@code stream}. */
  public static Predicate<WriteBatch> appendsTo(String stream) {
    return b -> b.appends().stream().anyMatch(a -> a.stream().equals(stream));
  }

  @Override
  public Committed commit(TenantId tenant, WriteBatch batch) {
    Predicate<WriteBatch> b = before;
    if (b != null && b.test(batch)) {
      before = null;
      crashes++;
      throw new Crash("simulated crash before commit");
    }
    Committed done = super.commit(tenant, batch);
    Predicate<WriteBatch> a = after;
    if (a != null && a.test(batch)) {
      after = null;
      crashes++;
      throw new Crash("simulated crash after commit");
    }
    return done;
  }

  /** What a simulated crash throws. */
  public static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash(String message) {
      super(message);
    }
  }
}
