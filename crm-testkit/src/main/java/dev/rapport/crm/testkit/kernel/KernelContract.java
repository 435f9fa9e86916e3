package dev.rapport.crm.testkit.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.testkit.MutableClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every kernel contract: creates the store under test before each test and offers the collection and
 * document helpers the contracts share.
 *
 * <h2>The one factory method</h2>
 * {@link #createStore(MutableClock)} is called once before <em>each</em> test method with a new clock standing at
 * {@link #START}. The store it returns must
 * <ul>
 *   <li>read all time (lease expiry, commit timestamps) from that clock, never from the database server, and</li>
 *   <li>hold no data in the tenants the test uses. Every test uses tenants with fresh random ids
 *       ({@link #freshTenant()}), so an adapter may hand out a new lightweight store object over one schema or
 *       database shared by a whole test class (cheap), or a new schema per call (simplest); both are correct.</li>
 * </ul>
 * The contracts register the collections they use themselves ({@link #THINGS_SPEC}, idempotently).
 */
public abstract class KernelContract {
  /** Where the clock stands when a test starts: a whole millisecond, like every time the kernel stores. */
  public static final String START = "2030-01-01T00:00:00Z";

  /** The collection every contract writes to. */
  public static final String THINGS = "things";

  /** One index of every type and shape: single, multi-valued, unique, multi-valued unique. */
  public static final CollectionSpec THINGS_SPEC = CollectionSpec.of(THINGS,
      IndexSpec.single("name", IndexType.STRING),
      IndexSpec.single("rank", IndexType.LONG),
      IndexSpec.single("amount", IndexType.DECIMAL),
      IndexSpec.single("at", IndexType.INSTANT),
      IndexSpec.single("flag", IndexType.BOOLEAN),
      IndexSpec.multi("tags", IndexType.STRING),
      IndexSpec.unique("code", IndexType.STRING),
      IndexSpec.multiUnique("emails", IndexType.STRING));

  /** The stream the contracts append to. */
  public static final String EVENTS = "events";

  protected MutableClock clock = MutableClock.at(START);
  protected Store store;
  /** A fresh tenant for this test. */
  protected TenantId tenant = freshTenant();

  /**
   * Returns the store under test, reading time from {@code clock}, with no data in the tenants this test uses.
   * See the class notes.
   */
  protected abstract Store createStore(MutableClock clock);

  @BeforeEach
  void createStoreUnderTest() {
    clock = MutableClock.at(START);
    store = createStore(clock);
    store.register(THINGS_SPEC);
    tenant = freshTenant();
  }

  /** A tenant id no other test (or earlier run against the same database) uses. */
  protected static TenantId freshTenant() {
    return TenantId.of("tck-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
  }

  protected boolean supportsMultiDocument() {
    return store.supports(Capability.MULTI_DOCUMENT_TRANSACTIONS);
  }

  /** Skips the calling test unless the store declares {@link Capability#MULTI_DOCUMENT_TRANSACTIONS}. */
  protected void assumeMultiDocumentTransactions() {
    assumeTrue(supportsMultiDocument(), "store does not declare MULTI_DOCUMENT_TRANSACTIONS");
  }

  /** A document builder for the {@code things} collection, version 1. */
  protected static Thing thing(String id) {
    return new Thing(id);
  }

  protected static ObjectNode json() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Inserts each document in a batch of its own (so it works on every store) and returns the commits. */
  protected List<Committed> insert(TenantId in, Document... docs) {
    List<Committed> out = new ArrayList<>();
    for (Document d : docs) {
      out.add(store.commit(in, WriteBatch.builder().insert(THINGS, d).build()));
    }
    return out;
  }

  protected List<Committed> insert(Document... docs) {
    return insert(tenant, docs);
  }

  protected Committed commit(WriteBatch.Builder batch) {
    return store.commit(tenant, batch.build());
  }

  /** Every document matching, paged through with {@code pageSize}. */
  protected List<Document> queryAll(TenantId in, Criteria criteria, Sort sort, int pageSize) {
    List<Document> out = new ArrayList<>();
    Query q = Query.of(criteria, sort, pageSize);
    for (int guard = 0; guard < 100_000; guard++) {
      Page<Document> page = store.query(in, THINGS, q);
      out.addAll(page.items());
      if (!page.hasNext()) {
        return out;
      }
      q = q.after(page.nextCursor());
    }
    throw new AssertionError("pagination does not end");
  }

  protected List<String> ids(TenantId in, Criteria criteria, Sort sort) {
    return queryAll(in, criteria, sort, 1000).stream().map(Document::id).toList();
  }

  protected List<String> ids(Criteria criteria) {
    return ids(tenant, criteria, Sort.byId());
  }

  protected List<Change> allChanges(TenantId in) {
    return store.changes(in, 0, 10_000);
  }

  protected List<StreamRecord> allRecords(TenantId in, String stream) {
    return store.read(in, stream, 0, 10_000);
  }

  /** Builds a {@code things} document; every setter adds index values, and the body mirrors them. */
  public static final class Thing {
    private final String id;
    private long version = 1;
    private final Map<String, List<Object>> index = new LinkedHashMap<>();
    private final ObjectNode body = JsonNodeFactory.instance.objectNode();

    private Thing(String id) {
      this.id = id;
      body.put("id", id);
    }

    public Thing version(long v) {
      this.version = v;
      return this;
    }

    /** Sets the values of index {@code field} (none: removes it). */
    public Thing with(String field, Object... values) {
      if (values.length == 0) {
        index.remove(field);
      } else {
        index.put(field, new ArrayList<>(Arrays.asList(values)));
      }
      body.put(field, Arrays.toString(values));
      return this;
    }

    public Thing body(String field, String value) {
      body.put(field, value);
      return this;
    }

    public Document build() {
      return new Document(id, version, body.deepCopy(), index);
    }
  }
}
