package dev.rapport.crm.benchmarks;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.recording.AuditRecorder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full create-customer command through {@link Crm} on {@link JdbcStore#postgres} (authorize, validate, map, one
 * transaction with the document, its index columns and side rows, the change feed row and the outbox event) against
 * the floor: hand-written JDBC that serialises the same input and inserts the JSON row plus one outbox row in one
 * transaction. Both sides use the same pool of connections to the same database; each run has its own schema. A
 * second anchor ({@link #floorIndexedRowsPlusOutbox}) writes the same typed index columns and side rows by hand.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class PgCreateCustomerBenchmark {

  private TinyPool pool;
  private String schema;
  private CreateInputs inputs;
  private Crm crm;
  private Actor actor;
  private JsonRowFloor floor;
  private PgBench.Customers indexed;
  private HandWrittenTables tables;
  private int nextIndexed;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    pool = new TinyPool(PgBench.dataSource(), 2);
    schema = PgBench.freshSchemaName("create");
    crm = Crm.builder().store(JdbcStore.builder(JdbcStore.Database.POSTGRESQL, pool).schema(schema).build())
        .accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).publishAfterCommit(false).build();
    floor = new JsonRowFloor(pool, schema);
    nextIndexed = 0;
    PgBench.execute(pool, HandWrittenTables.ddl(schema, false));
    tables = new HandWrittenTables(schema);
    indexed = new PgBench.Customers();
    inputs = new CreateInputs();
    actor = Actor.of("bench", "bench-user");
  }

  String schema() {
    return schema;
  }

  TinyPool pool() {
    return pool;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    PgBench.execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    pool.close();
  }

  @Benchmark
  public Object rapportCreateCustomer() {
    return crm.customers().create(actor, inputs.next());
  }

  @Benchmark
  public Object floorJdbcRowPlusOutbox() throws Exception {
    return floor.write(pool, "bench", inputs.json(inputs.next()));
  }

  /**
   * A second anchor, not the floor: the same document with the kernel's typed index columns under the same
   * indexes and its multi-valued side rows, written by hand (index values precomputed, no validation, no change
   * feed, no position counters), plus the outbox row, in one transaction. Rapport against this one is what the kernel
   * adds on top of the schema the issue asks for.
   */
  @Benchmark
  public Object floorIndexedRowsPlusOutbox() throws Exception {
    return tables.write(pool, "bench", indexed.get(nextIndexed++), floor.insertOutbox());
  }
}
