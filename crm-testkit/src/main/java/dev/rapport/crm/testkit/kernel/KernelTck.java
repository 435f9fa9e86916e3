package dev.rapport.crm.testkit.kernel;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.scenario.ServiceReadsContract;
import org.junit.jupiter.api.Nested;

/**
 * The whole kernel TCK in one class: subclass it once per database and implement {@link #createStore} (same
 * contract as {@link KernelContract#createStore}). Each contract runs as a {@link Nested} group.
 *
 * <pre>{@code
 * class H2KernelTckTest extends KernelTck {
 *   @Override
 *   protected Store createStore(MutableClock clock) {
 *     return JdbcStore.h2(dataSource, clock);
 *   }
 * }
 * }</pre>
 *
 * Subclass a single contract instead (e.g. {@link QueryEquivalenceContract}) to run it alone or with its own setup.
 *
 * <p>Besides the kernel's own contracts it runs {@link ServiceReadsContract}: the reads of Rapport's services that
 * rest on the store's queries and change feed (which soft-deleted records a query takes, streams over every page,
 * per-collection change feeds with a persisted position), through a {@code Crm} on the store under test.
 */
public abstract class KernelTck {

  /** Returns the store under test; see {@link KernelContract#createStore} for what it must guarantee. */
  protected abstract Store createStore(MutableClock clock);

  @Nested
  class Transactions extends TransactionContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class OptimisticConcurrency extends OptimisticConcurrencyContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class UniqueIndexes extends UniqueIndexContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class Queries extends QueryContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class QueryEquivalence extends QueryEquivalenceContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class TenantIsolation extends TenantIsolationContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class ChangeFeed extends ChangeFeedContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class Leases extends LeaseContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class Capabilities extends CapabilityContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class IndexSets extends IndexSetContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class Reindexing extends ReindexContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class StreamPurges extends StreamPurgeContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }

  @Nested
  class ServiceReads extends ServiceReadsContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return KernelTck.this.createStore(clock);
    }
  }
}
