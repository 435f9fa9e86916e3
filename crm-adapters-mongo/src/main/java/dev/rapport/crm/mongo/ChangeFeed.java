package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.MongoErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Assigns change-feed and stream positions, per tenant, so that a reader never misses a committed record.
 *
 * <p>Records (change entries and stream records) are written without a position once their unit of work has
 * committed. A sequencer holding the tenant's feed lease (a compare-and-set on the tenant's feed document, fenced by
 * a token that grows on every acquisition) then, one round at a time:
 * <ol>
 *   <li>resolves a round a dead holder left in flight (writes the recorded positions, which are the same values
 *       whoever writes them);</li>
 *   <li>allocates positions {@code next+1 .. next+k} for unpositioned records and records them as in flight on the
 *       feed document, guarded by its token and by {@code next};</li>
 *   <li>writes the positions to the records (only where none is set yet);</li>
 *   <li>publishes: sets {@code published = next} and clears the in-flight list, guarded by its token.</li>
 * </ol>
 * Readers return only records with {@code position <= published}. Every position up to {@code published} is on its
 * record before it is published, and every later commit gets a greater position, so "after P" never misses one.
 * A stale holder can neither allocate nor publish (token), and the only thing it can still write, a position of its
 * last in-flight round (or, in envelope mode, an insert of one of its records at that position), is what the next
 * holder writes too.
 *
 * <p>In envelope mode a commit's records are not in their collections yet when its round allocates
 * ({@link #allocateAndDrain}): they are inserted with their positions, and the round records the envelope they come
 * from ({@code drain} on the feed document). A holder that takes such a round over re-drains the envelope with the
 * recorded positions before writing them, so the records exist at those positions before they are published, and a
 * stale holder's late insert meets them (unique {@code _id}s) and changes nothing.
 */
final class ChangeFeed {
  static final String FEED = "rapport_feed";

  private final MongoDatabase db;
  private final Clock clock;
  private final String nodeId;
  private final Duration leaseTtl;
  private final Duration maxWait;
  private final Consumer<Fault> faults;
  private final Envelopes envelopes;
  private final Map<TenantId, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Set<TenantId> feedExists = ConcurrentHashMap.newKeySet();

  ChangeFeed(MongoDatabase db, Clock clock, String nodeId, Duration leaseTtl, Duration maxWait, Consumer<Fault> faults,
      Envelopes envelopes) {
    this.db = db;
    this.clock = clock;
    this.nodeId = nodeId;
    this.leaseTtl = leaseTtl;
    this.maxWait = maxWait;
    this.faults = faults;
    this.envelopes = envelopes;
  }

  /** A record to position: its MongoDB collection and {@code _id}. */
  record Ref(String collection, BsonValue id) {}

  /** Where one commit's envelope is: the holder collection and document, and the commit id of its entries. */
  record Envelope(String holder, BsonValue holderId, String commit) {
    BsonDocument toBson() {
      return new BsonDocument("h", new BsonString(holder)).append("i", holderId).append("commit", new BsonString(commit));
    }

    static Envelope of(BsonDocument d) {
      return new Envelope(d.getString("h").getValue(), d.get("i"), d.getString("commit").getValue());
    }
  }

  /** The store's side of a round taken over from a holder that died between allocating and publishing. */
  interface Envelopes {
    /** Inserts the envelope's records, if it still holds them, at the given positions (idempotent). */
    void redrain(TenantId tenant, Envelope envelope, Map<Ref, Long> positions);

    /** Removes the envelope's entries once their positions are published. */
    void clear(Envelope envelope);
  }

  private MongoCollection<BsonDocument> feed() {
    return db.getCollection(FEED, BsonDocument.class);
  }

  /** The highest published position of the tenant; readers stop there. */
  long published(TenantId tenant) {
    BsonDocument d = feed().find(Filters.eq("_id", tenant.value())).first();
    return d == null ? 0 : d.getInt64("published").getValue();
  }

  /**
   * Gives positions to {@code refs} (or, when {@code unpositioned} is given, to everything it finds, round by round)
   * and returns the position of each ref.
   */
  Map<Ref, Long> sequence(TenantId tenant, List<Ref> refs, @Nullable Supplier<List<Ref>> unpositioned) {
    ReentrantLock lock = locks.computeIfAbsent(tenant, t -> new ReentrantLock());
    lock.lock();
    try {
      if (unpositioned == null && !refs.isEmpty()) {
        Map<Ref, Long> done = sequenceQuickly(tenant, refs);
        if (done != null) {
          return done;
        }
      }
      BsonDocument held = acquire(tenant);
      long token = held.getInt64("token").getValue();
      long next = held.getInt64("next").getValue();
      if (held.containsKey("inflight")) {
        BsonArray inflight = positionsOf(held.getArray("inflight"), next);
        Envelope envelope = held.isDocument("drain") ? Envelope.of(held.getDocument("drain")) : null;
        if (envelope != null) {
          // Its holder died after allocating, perhaps before inserting the records: they come from the envelope
          // (still there: it is cleared only after the records are inserted), at the recorded positions.
          envelopes.redrain(tenant, envelope, refPositions(inflight));
        }
        resolve(inflight);
        publish(tenant, token, next);
        if (envelope != null) {
          envelopes.clear(envelope);
        }
      }
      if (unpositioned == null) {
        List<Ref> todo = withoutPosition(refs);
        if (!todo.isEmpty()) {
          next = round(tenant, token, next, todo);
        }
      } else {
        for (List<Ref> todo = unpositioned.get(); !todo.isEmpty(); todo = unpositioned.get()) {
          next = round(tenant, token, next, todo);
        }
      }
      release(tenant, token);
      return positions(refs);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The common case for records already in their collections (transaction mode; envelope mode after a drain without
   * positions), in three commands: acquire the lease and allocate {@code next+1 .. next+k} at once, write the
   * positions, publish and release at once. Only taken when the lease is free (or ours) and no round is in flight,
   * so {@code published == next} before it; returns null (nothing written) otherwise, and the caller takes the
   * general path. The refs were just written by this commit, so they are taken as unpositioned without a lookup:
   * if another node's recovery positioned one first (it drained the envelope before us), the position write
   * matches fewer records and the positions are read back; the unused allocations are gaps, which the feed allows.
   */
  private @Nullable Map<Ref, Long> sequenceQuickly(TenantId tenant, List<Ref> refs) {
    Allocation a = allocate(tenant, refs, null);
    if (a == null) {
      return null;
    }
    BsonArray withPositions = new BsonArray();
    a.positions().forEach((r, p) -> withPositions.add(new BsonDocument("c", new BsonString(r.collection()))
        .append("k", r.id()).append("p", new BsonInt64(p))));
    long written = resolve(withPositions);
    faults.accept(Fault.AFTER_POSITIONS_SET);
    publishAndRelease(tenant, a.token(), a.next());
    faults.accept(Fault.AFTER_PUBLISH);
    return written < refs.size() ? positions(refs) : a.positions();
  }

  /**
   * Envelope mode's common case, three commands around the drain: take the lease and allocate
   * {@code next+1 .. next+k} for the commit's records (recording them and their envelope as in flight), let
   * {@code drain} insert the records with those positions, then publish and release at once. The caller clears the
   * envelope afterwards. Returns null, having written nothing, when the lease is busy or a round is in flight; the
   * caller then drains without positions and takes {@link #sequence}. {@code drain} returns how many records carry
   * their allocated position; when fewer (another copy of a record was there first), positions are read back.
   */
  @Nullable Map<Ref, Long> allocateAndDrain(TenantId tenant, List<Ref> refs, Envelope envelope,
      Function<Map<Ref, Long>, Long> drain) {
    ReentrantLock lock = locks.computeIfAbsent(tenant, t -> new ReentrantLock());
    lock.lock();
    try {
      Allocation a = allocate(tenant, refs, envelope);
      if (a == null) {
        return null;
      }
      long written = drain.apply(a.positions());
      faults.accept(Fault.AFTER_DRAIN_INSERTS);
      publishAndRelease(tenant, a.token(), a.next());
      faults.accept(Fault.AFTER_PUBLISH);
      return written < refs.size() ? positions(refs) : a.positions();
    } finally {
      lock.unlock();
    }
  }

  /** Positions allocated to refs under the lease {@code token}; {@code next} is the last of them. */
  private record Allocation(long token, long next, Map<Ref, Long> positions) {}

  /**
   * Takes the lease and allocates positions for {@code refs} in one command when the lease is free (or ours) and no
   * round is in flight; null otherwise.
   */
  private @Nullable Allocation allocate(TenantId tenant, List<Ref> refs, @Nullable Envelope envelope) {
    ensureFeed(tenant);
    long now = clock.millis();
    BsonArray inflight = new BsonArray();
    for (Ref r : refs) {
      // No "p": the positions are the last k below the `next` this update sets (see positionsOf).
      inflight.add(new BsonDocument("c", new BsonString(r.collection())).append("k", r.id()));
    }
    List<Bson> updates = new ArrayList<>(List.of(Updates.set("owner", nodeId),
        Updates.set("expiresAt", new BsonDateTime(now + leaseTtl.toMillis())), Updates.inc("token", 1L),
        Updates.inc("next", (long) refs.size()), Updates.set("inflight", inflight)));
    if (envelope != null) {
      updates.add(Updates.set("drain", envelope.toBson()));
    }
    BsonDocument d = feed().findOneAndUpdate(
        Filters.and(Filters.eq("_id", tenant.value()), Filters.exists("inflight", false),
            Filters.or(Filters.lte("expiresAt", new BsonDateTime(now)), Filters.eq("owner", nodeId))),
        Updates.combine(updates),
        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
            .projection(new BsonDocument("token", new BsonInt32(1)).append("next", new BsonInt32(1))));
    if (d == null) {
      return null;
    }
    long next = d.getInt64("next").getValue();
    long p = next - refs.size();
    faults.accept(Fault.AFTER_ALLOCATION);
    Map<Ref, Long> out = new LinkedHashMap<>();
    for (Ref r : refs) {
      out.put(r, ++p);
    }
    return new Allocation(d.getInt64("token").getValue(), next, out);
  }

  private static Map<Ref, Long> refPositions(BsonArray inflight) {
    Map<Ref, Long> out = new LinkedHashMap<>();
    for (BsonValue v : inflight) {
      BsonDocument e = v.asDocument();
      out.put(new Ref(e.getString("c").getValue(), e.get("k")), e.getInt64("p").getValue());
    }
    return out;
  }

  private void publishAndRelease(TenantId tenant, long token, long published) {
    long matched = feed().updateOne(Filters.and(Filters.eq("_id", tenant.value()), Filters.eq("token", token)),
        Updates.combine(Updates.set("published", published), Updates.unset("inflight"), Updates.unset("drain"),
            Updates.set("owner", ""), Updates.set("expiresAt", new BsonDateTime(0)))).getMatchedCount();
    if (matched == 0) {
      throw new StorageException("lost the change-feed lease of tenant " + tenant + " before publishing", true);
    }
  }

  /**
   * The in-flight entries with their positions: entries written by {@link #sequenceQuickly} carry none, and are
   * the last {@code k} positions up to {@code next} (nothing allocates while a round is in flight).
   */
  private static BsonArray positionsOf(BsonArray inflight, long next) {
    BsonArray out = new BsonArray();
    long p = next - inflight.size();
    for (BsonValue v : inflight) {
      BsonDocument e = v.asDocument();
      ++p;
      out.add(e.containsKey("p") ? e : e.clone().append("p", new BsonInt64(p)));
    }
    return out;
  }

  private long round(TenantId tenant, long token, long next, List<Ref> todo) {
    BsonArray inflight = new BsonArray();
    long p = next;
    for (Ref r : todo) {
      inflight.add(new BsonDocument("c", new BsonString(r.collection())).append("k", r.id())
          .append("p", new BsonInt64(++p)));
    }
    long after = p;
    long matched = feed().updateOne(
        Filters.and(Filters.eq("_id", tenant.value()), Filters.eq("token", token), Filters.eq("next", next)),
        Updates.combine(Updates.set("next", after), Updates.set("inflight", inflight))).getMatchedCount();
    if (matched == 0) {
      throw new StorageException("lost the change-feed lease of tenant " + tenant + " while sequencing", true);
    }
    faults.accept(Fault.AFTER_ALLOCATION);
    resolve(inflight);
    faults.accept(Fault.AFTER_POSITIONS_SET);
    publish(tenant, token, after);
    faults.accept(Fault.AFTER_PUBLISH);
    return after;
  }

  private void ensureFeed(TenantId tenant) {
    if (!feedExists.contains(tenant)) {
      try {
        feed().updateOne(Filters.eq("_id", tenant.value()),
            Updates.combine(Updates.setOnInsert("next", 0L), Updates.setOnInsert("published", 0L),
                Updates.setOnInsert("token", 0L), Updates.setOnInsert("owner", ""),
                Updates.setOnInsert("expiresAt", new BsonDateTime(0))),
            new UpdateOptions().upsert(true));
      } catch (MongoException e) {
        if (!MongoErrors.isDuplicateKey(e)) {
          throw e;
        }
      }
      feedExists.add(tenant);
    }
  }

  private BsonDocument acquire(TenantId tenant) {
    ensureFeed(tenant);
    long deadline = System.nanoTime() + maxWait.toNanos();
    long sleep = 1;
    while (true) {
      long now = clock.millis();
      BsonDocument d = feed().findOneAndUpdate(
          Filters.and(Filters.eq("_id", tenant.value()),
              Filters.or(Filters.lte("expiresAt", new BsonDateTime(now)), Filters.eq("owner", nodeId))),
          Updates.combine(Updates.set("owner", nodeId), Updates.set("expiresAt", new BsonDateTime(now + leaseTtl.toMillis())),
              Updates.inc("token", 1L)),
          new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
      if (d != null) {
        return d;
      }
      if (System.nanoTime() > deadline) {
        throw new StorageException("the change-feed lease of tenant " + tenant + " stayed busy for " + maxWait, true);
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while waiting for the change-feed lease", true, e);
      }
      sleep = Math.min(sleep * 2, 20);
    }
  }

  /** Writes the in-flight positions where none is set; returns how many records took theirs. */
  private long resolve(BsonArray inflight) {
    Map<String, List<WriteModel<BsonDocument>>> byCollection = new LinkedHashMap<>();
    for (BsonValue v : inflight) {
      BsonDocument e = v.asDocument();
      byCollection.computeIfAbsent(e.getString("c").getValue(), k -> new ArrayList<>()).add(new UpdateOneModel<>(
          Filters.and(Filters.eq("_id", e.get("k")), Filters.exists("pos", false)),
          Updates.set("pos", e.getInt64("p"))));
    }
    // In position order, collection by collection: readers never look past `published`, so order is not needed
    // for correctness, only for tidy partial states.
    long written = 0;
    for (Map.Entry<String, List<WriteModel<BsonDocument>>> e : byCollection.entrySet()) {
      written += db.getCollection(e.getKey(), BsonDocument.class).bulkWrite(e.getValue()).getMatchedCount();
    }
    return written;
  }

  private void publish(TenantId tenant, long token, long published) {
    long matched = feed().updateOne(Filters.and(Filters.eq("_id", tenant.value()), Filters.eq("token", token)),
        Updates.combine(Updates.set("published", published), Updates.unset("inflight"), Updates.unset("drain")))
        .getMatchedCount();
    if (matched == 0) {
      throw new StorageException("lost the change-feed lease of tenant " + tenant + " before publishing", true);
    }
  }

  private void release(TenantId tenant, long token) {
    feed().updateOne(Filters.and(Filters.eq("_id", tenant.value()), Filters.eq("token", token)),
        Updates.combine(Updates.set("owner", ""), Updates.set("expiresAt", new BsonDateTime(0))));
  }

  private List<Ref> withoutPosition(List<Ref> refs) {
    Map<Ref, Long> known = positions(refs);
    List<Ref> out = new ArrayList<>();
    for (Ref r : refs) {
      if (!known.containsKey(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** The positions the refs have (refs without one are absent). */
  Map<Ref, Long> positions(List<Ref> refs) {
    Map<String, List<BsonValue>> byCollection = new LinkedHashMap<>();
    for (Ref r : refs) {
      byCollection.computeIfAbsent(r.collection(), k -> new ArrayList<>()).add(r.id());
    }
    Map<Ref, Long> out = new HashMap<>();
    for (Map.Entry<String, List<BsonValue>> e : byCollection.entrySet()) {
      Bson filter = Filters.and(Filters.in("_id", e.getValue()), Filters.exists("pos"));
      for (BsonDocument d : db.getCollection(e.getKey(), BsonDocument.class).find(filter)
          .projection(new BsonDocument("pos", new BsonInt32(1)))) {
        out.put(new Ref(e.getKey(), d.get("_id")), d.getInt64("pos").getValue());
      }
    }
    return out;
  }
}
