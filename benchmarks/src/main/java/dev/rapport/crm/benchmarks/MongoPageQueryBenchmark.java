package dev.rapport.crm.benchmarks;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.mongo.MongoStore;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.testkit.generate.DataGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.conversions.Bson;
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
 * A filtered, sorted first page (stage + tag + region, by name, 50 rows) of 100,000 customers through
 * {@code crm.customers().find} on {@link MongoStore}, against the hand-written driver query for the same rows on the
 * same collection (same filter on the stored index fields, same sort, same limit, documents decoded by the driver).
 * {@link #load} checks that both return the same ids in the same order.
 *
 * <p>Loading: a store without {@link Capability#MULTI_DOCUMENT_TRANSACTIONS} (mongo-java-server: envelope mode)
 * commits one document per batch, and on mongo-java-server each commit scans (no secondary indexes), so 100,000
 * kernel commits would take hours. So {@value #TEMPLATES} customers go through the kernel (create, and a stage
 * change for every second one) and the documents it stored are then bulk-inserted with the driver,
 * {@value #COPIES} copies of each with a new id ({@code _id.i}, {@code id}, {@code body.id}) and otherwise
 * byte-for-byte what the kernel wrote.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class MongoPageQueryBenchmark {
  static final int CUSTOMERS = 100_000;
  static final int TEMPLATES = 500;
  static final int COPIES = CUSTOMERS / TEMPLATES;
  private static final String TENANT = "bench";
  private static final String STAGE = "PROSPECT";
  private static final String TAG = "segment/smb";
  private static final String REGION = "EMEA";
  private static final int PAGE = 50;

  private BenchMongo mongo;
  private Crm crm;
  private Actor actor;
  private Query query;
  private MongoCollection<Document> customers;
  private Bson floorFilter;
  private Bson floorSort;

  @Setup(Level.Trial)
  public void load() {
    mongo = BenchMongo.start();
    String database = mongo.freshDatabase();
    MongoStore store = MongoStore.create(mongo.client, database);
    // the list's composite index (stage and region by equality, sorted by name), declared like a host would
    crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .indexes(CustomerFields.COLLECTION, CustomerFields.DEFAULT_INDEXES.with(
            dev.rapport.crm.store.CompositeIndex.of("byStageRegionName", dev.rapport.crm.query.Sort.asc(
                CustomerFields.STAGE).thenAsc(CustomerFields.REGION).thenAsc(CustomerFields.NAME))))
        .build();
    actor = Actor.of(TENANT, "bench-user");
    List<CustomerData> data = DataGenerator.seeded(11).customers(TEMPLATES);
    for (int i = 0; i < TEMPLATES; i++) {
      Customer c = crm.customers().create(actor, data.get(i));
      if (i % 2 == 0) {
        crm.customers().changeStage(actor, c.id(), STAGE, null);
      }
    }
    MongoCollection<BsonDocument> stored = mongo.client.getDatabase(database)
        .getCollection("c_" + CustomerFields.COLLECTION, BsonDocument.class);
    List<BsonDocument> templates = stored.find(Filters.eq("tenant", TENANT)).into(new ArrayList<>());
    if (templates.size() != TEMPLATES) {
      throw new IllegalStateException("expected " + TEMPLATES + " stored customers, found " + templates.size());
    }
    Random random = new Random(11);
    List<BsonDocument> batch = new ArrayList<>();
    for (int copy = 1; copy < COPIES; copy++) {
      for (BsonDocument t : templates) {
        BsonDocument d = t.clone();
        // UUIDv4 from a seeded source, so every run loads the same ids (and the same first page).
        BsonString id = new BsonString(new UUID(random.nextLong(), random.nextLong()).toString());
        d.put("_id", new BsonDocument("t", new BsonString(TENANT)).append("i", id));
        d.put("id", id);
        d.getDocument("body").put("id", id);
        batch.add(d);
        if (batch.size() == 5_000) {
          stored.insertMany(batch, new InsertManyOptions().ordered(false));
          batch.clear();
        }
      }
    }
    if (!batch.isEmpty()) {
      stored.insertMany(batch, new InsertManyOptions().ordered(false));
    }

    query = Query.of(Criteria.and(Criteria.eq(CustomerFields.STAGE, STAGE), Criteria.eq(CustomerFields.TAGS, TAG),
        Criteria.eq(CustomerFields.REGION, REGION)), Sort.asc(CustomerFields.NAME), PAGE);
    customers = mongo.client.getDatabase(database).getCollection("c_" + CustomerFields.COLLECTION);
    // What a developer writes against the same stored fields: tenant, not soft-deleted, stage, tag, region.
    floorFilter = Filters.and(Filters.eq("tenant", TENANT), Filters.eq("ix.deleted", false),
        Filters.eq("ix.stage", STAGE), Filters.eq("ix.tags", TAG), Filters.eq("ix.region", REGION));
    floorSort = Sorts.ascending("ix.name", "id");

    long total = customers.countDocuments(Filters.eq("tenant", TENANT));
    List<String> rapport = rapportFirstPage().items().stream().map(Customer::id).toList();
    List<String> floor = floorFirstPage().stream().map(d -> d.getString("id")).toList();
    if (total != CUSTOMERS || rapport.size() != PAGE || !rapport.equals(floor)) {
      throw new IllegalStateException("setup check failed: " + total + " customers; rapport " + rapport
          + " vs floor " + floor);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    mongo.close();
  }

  @Benchmark
  public Page<Customer> rapportFirstPage() {
    return crm.customers().find(actor, query);
  }

  @Benchmark
  public List<Document> floorFirstPage() {
    return customers.find(floorFilter).sort(floorSort).limit(PAGE).into(new ArrayList<>(PAGE));
  }
}
