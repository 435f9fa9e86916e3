package dev.rapport.crm.benchmarks;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.recording.AuditRecorder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Concurrent writers on PostgreSQL, in one tenant or each in its own: the create-customer command through
 * {@link Crm} on {@link JdbcStore#postgres} against the floor (each writer inserting the JSON row and one outbox row in
 * one transaction) and against the same typed index columns, indexes and side rows written by hand
 * ({@link #floorIndexedRowsPlusOutbox}), on one pool of 16 connections. Run it with JMH's {@code -t 1}, {@code -t 4} and {@code -t 16}
 * (the default) and {@code -p tenants=one} or {@code many}: throughput is summed over the writers.
 *
 * <p>What it watches: whether commits of one tenant wait for each other (a per-tenant position counter held until
 * the commit's WAL flush made one tenant commit one flush at a time; positions by transaction id do not).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
@Threads(16)
@State(Scope.Benchmark)
public class PgBusyTenantBenchmark {

  /** {@code one}: every writer in tenant {@code busy}; {@code many}: writer n in tenant {@code t<n>}. */
  @Param({"one", "many"})
  public String tenants;

  private TinyPool pool;
  private String schema;
  private Crm crm;
  private JsonRowFloor floor;
  private HandWrittenTables tables;
  private PgBench.Customers indexed;
  private final AtomicInteger nextIndexed = new AtomicInteger();
  private final AtomicInteger writers = new AtomicInteger();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    pool = new TinyPool(PgBench.dataSource(), 16);
    schema = PgBench.freshSchemaName("busy");
    crm = Crm.builder().store(JdbcStore.builder(JdbcStore.Database.POSTGRESQL, pool).schema(schema).build())
        .accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).publishAfterCommit(false).build();
    floor = new JsonRowFloor(pool, schema);
    PgBench.execute(pool, HandWrittenTables.ddl(schema, false));
    tables = new HandWrittenTables(schema);
    indexed = new PgBench.Customers();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    PgBench.execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    pool.close();
  }

  /** One writer: its tenant, actor and inputs. */
  @State(Scope.Thread)
  public static class Writer {
    String tenant;
    Actor actor;
    CreateInputs inputs;

    @Setup(Level.Trial)
    public void setUp(PgBusyTenantBenchmark bench) {
      int n = bench.writers.getAndIncrement();
      tenant = bench.tenants.equals("one") ? "busy" : "t" + n;
      actor = Actor.of(tenant, "writer-" + n);
      inputs = new CreateInputs();
    }
  }

  @Benchmark
  public Object rapportCreateCustomer(Writer w) {
    return crm.customers().create(w.actor, w.inputs.next());
  }

  @Benchmark
  public Object floorJdbcRowPlusOutbox(Writer w) throws Exception {
    return floor.write(pool, w.tenant, w.inputs.json(w.inputs.next()));
  }

  /**
   * The second anchor of {@link PgCreateCustomerBenchmark}: the same typed index columns, indexes and side rows
   * written by hand, plus the outbox row, in one transaction per customer.
   */
  @Benchmark
  public Object floorIndexedRowsPlusOutbox(Writer w) throws Exception {
    return tables.write(pool, w.tenant, indexed.get(nextIndexed.getAndIncrement()), floor.insertOutbox());
  }
}
