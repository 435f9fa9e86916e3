package dev.rapport.crm.benchmarks;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full create-customer command on the in-memory kernel (authorize, Bean Validation, domain validation with
 * libphonenumber and the RFC 5322 parser, document mapping, one atomic commit with the outbox event) against the
 * floor: serialising the same input to JSON and putting it in a {@link ConcurrentHashMap}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CreateCustomerBenchmark {

  private CreateInputs inputs;
  private Crm crm;
  private Actor actor;
  private ConcurrentHashMap<String, byte[]> floor;
  private Crm bounded;
  private int boundedCount;

  @Setup(Level.Iteration)
  public void setUp() {
    inputs = new CreateInputs();
    crm = Crm.builder().store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).build();
    actor = Actor.of("bench", "bench-user");
    floor = new ConcurrentHashMap<>();
  }

  @Benchmark
  public Object rapportCreateCustomer() {
    return crm.customers().create(actor, inputs.next());
  }

  /**
   * The same command on a store that is replaced every 5,000 commands, as {@link CreateCustomerCpu} does: in
   * {@link #rapportCreateCustomer} the store grows to tens of thousands of customers per iteration, and collecting
   * that live set takes about half of the machine's two CPUs. The replacement (a new {@code Crm}) is part of the
   * measured time.
   */
  @Benchmark
  public Object rapportCreateCustomerBoundedStore() {
    if (bounded == null || ++boundedCount == BOUND) {
      bounded = Crm.builder().store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
          .audit(AuditRecorder.none()).build();
      boundedCount = 0;
    }
    return bounded.customers().create(actor, inputs.next());
  }

  private static final int BOUND = 5_000;

  @Benchmark
  public Object floorSerializeAndPut() throws Exception {
    var d = inputs.next();
    String id = UUID.randomUUID().toString();
    byte[] json = inputs.jsonBytes(d);
    floor.put(id, json);
    return json;
  }
}
