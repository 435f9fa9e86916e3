package dev.rapport.crm.benchmarks;

import com.mongodb.client.MongoCollection;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.mongo.MongoStore;
import dev.rapport.crm.recording.AuditRecorder;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
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
 * The full create-customer command on {@link MongoStore} (authorize, validate, map, one unit of work with the
 * outbox event: the document write, the drain of its change and outbox records, their change-feed positions)
 * against the floor: hand-written driver code that serialises the same input with Jackson, inserts it as one
 * document and inserts one outbox document. Same server, same run. Throughput and sample-time percentiles.
 *
 * <p>Each iteration starts on a fresh, empty database: mongo-java-server implements no secondary index (it logs
 * "not yet implemented. ignoring"), so every lookup the kernel makes besides {@code _id} (the feed's unpositioned
 * records, the envelope drain's guards) scans its collection, and a run on a growing database would measure the
 * collection size rather than the command. A real MongoDB uses the indexes the store creates.
 *
 * <p>Server: mongo-java-server in this JVM unless {@code RAPPORT_BENCH_MONGO_URI} is set; on mongo-java-server the
 * absolute figures say little (no real storage engine, the server shares the benchmark's cores), the ratio is what
 * is recorded.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class MongoCreateCustomerBenchmark {

  private BenchMongo mongo;
  private String database;
  private CreateInputs inputs;
  private Crm crm;
  private Actor actor;
  private MongoCollection<Document> floorCustomers;
  private MongoCollection<Document> floorOutbox;

  @Setup(Level.Trial)
  public void start() {
    mongo = BenchMongo.start();
    inputs = new CreateInputs();
    actor = Actor.of("bench", "bench-user");
  }

  @Setup(Level.Iteration)
  public void freshDatabase() {
    database = mongo.freshDatabase();
    crm = Crm.builder().store(MongoStore.create(mongo.client, database)).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).build();
    floorCustomers = mongo.client.getDatabase(database).getCollection("floor_customers");
    floorOutbox = mongo.client.getDatabase(database).getCollection("floor_outbox");
  }

  @TearDown(Level.Iteration)
  public void dropDatabase() {
    mongo.drop(database);
  }

  @TearDown(Level.Trial)
  public void stop() {
    mongo.close();
  }

  @Benchmark
  public Object rapportCreateCustomer() {
    return crm.customers().create(actor, inputs.next());
  }

  @Benchmark
  public Object floorInsertCustomerAndOutbox() throws Exception {
    var d = inputs.next();
    String id = UUID.randomUUID().toString();
    Date now = new Date();
    Document customer = Document.parse(inputs.json(d))
        .append("_id", id).append("tenant", "bench").append("version", 1L).append("createdAt", now);
    floorCustomers.insertOne(customer);
    floorOutbox.insertOne(new Document("_id", UUID.randomUUID().toString()).append("tenant", "bench")
        .append("type", "customer.created").append("aggregateId", id).append("occurredAt", now)
        .append("data", customer));
    return customer;
  }
}
