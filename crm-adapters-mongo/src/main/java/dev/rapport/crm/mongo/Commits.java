package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a {@link WriteBatch} (already checked with {@code StoreChecks.checkBatch}) in the store's
 * {@link TransactionMode} (module README, "Unit-of-work modes"), then has its change entry and stream records
 * positioned by the {@link ChangeFeed}:
 * <ul>
 *   <li>{@code TRANSACTIONS}: lease guard, document writes and records (without positions) in one transaction;</li>
 *   <li>{@code ENVELOPE}: the one document write carries the records ({@link Envelopes}), which are drained to
 *       their collections at the positions the feed allocates, and the envelope cleared.</li>
 * </ul>
 */
final class Commits {
  private static final Logger LOG = LoggerFactory.getLogger(Commits.class);

  private final MongoClient client;
  private final Clock clock;
  private final TransactionMode mode;
  private final MongoSchema schema;
  private final ChangeFeed feed;
  private final Envelopes envelopes;
  private final DocumentWrites writes;
  private final LeaseCollection leases;
  private final Consumer<Fault> faults;

  Commits(MongoClient client, Clock clock, TransactionMode mode, MongoSchema schema, ChangeFeed feed,
      Envelopes envelopes, LeaseCollection leases, Consumer<Fault> faults) {
    this.client = client;
    this.clock = clock;
    this.mode = mode;
    this.schema = schema;
    this.feed = feed;
    this.envelopes = envelopes;
    this.writes = new DocumentWrites(schema, envelopes);
    this.leases = leases;
    this.faults = faults;
  }

  /**
   * {@code Store#reindex}: each document on its own ({@link DocumentWrites#reindex}), in list order, in both modes:
   * index values are not part of the change feed, so there is no envelope to carry.
   */
  int reindex(TenantId tenant, String collection, List<Document> docs) {
    CollectionSpec spec = schema.spec(collection);
    int rewritten = 0;
    for (Document doc : docs) {
      if (writes.reindex(tenant, spec, doc)) {
        rewritten++;
      }
    }
    return rewritten;
  }

  Committed commit(TenantId tenant, WriteBatch batch) {
    // The stored form of each written document, built once: before anything is written (an unstorable value fails
    // the whole batch) and then written as is.
    Map<WriteBatch.Write, BsonDocument> stored = new IdentityHashMap<>();
    for (WriteBatch.Write w : batch.writes()) {
      Document doc = w.written();
      if (doc != null) {
        stored.put(w, DocumentWrites.stored(tenant, schema.spec(w.collection()), doc));
      }
    }
    Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String commit = UUID.randomUUID().toString();
    List<BsonDocument> entries = new ArrayList<>();
    int n = 0;
    for (WriteBatch.Write w : batch.writes()) {
      entries.add(FeedRecord.changeEntry(commit, n++, w, at));
    }
    for (WriteBatch.Append a : batch.appends()) {
      entries.add(FeedRecord.appendEntry(commit, n++, a, at));
    }
    List<FeedRecord> records = new ArrayList<>(entries.size());
    for (BsonDocument e : entries) {
      records.add(FeedRecord.of(tenant, e));
    }
    Map<ChangeFeed.Ref, Long> positions;
    try {
      for (WriteBatch.Append a : batch.appends()) {
        schema.ensureStream(a.stream());
      }
      if (mode == TransactionMode.TRANSACTIONS) {
        commitInTransaction(tenant, batch, stored, records, at);
        positions = sequenced(tenant, records);
      } else {
        positions = commitWithEnvelope(tenant, batch, stored, commit, entries, records, at);
      }
    } catch (MongoException e) {
      throw MongoErrors.translate("commit", e);
    }
    return described(batch, records, positions, at);
  }

  /** Positions the records of a committed unit of work that are already in their collections. */
  private Map<ChangeFeed.Ref, Long> sequenced(TenantId tenant, List<FeedRecord> records) {
    try {
      return feed.sequence(tenant, FeedRecord.refs(records), null);
    } catch (MongoException | StorageException e) {
      throw new StorageException("the batch committed but its change-feed positions are not assigned yet; "
          + "recover(tenant) completes it (do not retry the batch)", false, e);
    }
  }

  /** What the batch wrote, at the records' positions (0 for one not positioned yet). */
  private static Committed described(WriteBatch batch, List<FeedRecord> records, Map<ChangeFeed.Ref, Long> positions,
      Instant at) {
    int writes = batch.writes().size();
    return Committed.of(batch, at, i -> positions.getOrDefault(records.get(i).ref(), 0L),
        j -> positions.getOrDefault(records.get(writes + j).ref(), 0L));
  }

  // --- envelope mode --------------------------------------------------------------------------------------------

  /**
   * The document write carrying the envelope, then the drain with positions already allocated (see
   * {@link ChangeFeed#allocateAndDrain}), then the envelope cleared; returns the records' positions.
   */
  private Map<ChangeFeed.Ref, Long> commitWithEnvelope(TenantId tenant, WriteBatch batch,
      Map<WriteBatch.Write, BsonDocument> stored, String commit, List<BsonDocument> entries,
      List<FeedRecord> records, Instant at) {
    WriteBatch.LeaseGuard guard = batch.leaseGuard();
    if (guard != null) {
      leases.checkGuard(tenant, guard, at);
    }
    checkAppendsAbsent(tenant, batch.appends());
    BsonArray pending = new BsonArray(new ArrayList<>(entries));
    ChangeFeed.Envelope envelope;
    if (batch.writes().isEmpty()) {
      envelope = new ChangeFeed.Envelope(MongoSchema.ENVELOPES, new BsonString(commit), commit);
      schema.col(MongoSchema.ENVELOPES).insertOne(new BsonDocument("_id", envelope.holderId())
          .append("tenant", new BsonString(tenant.value())).append("pending", pending));
    } else {
      WriteBatch.Write w = batch.writes().get(0);
      envelope = new ChangeFeed.Envelope(MongoSchema.docCollection(w.collection()), MongoSchema.key(tenant, w.id()),
          commit);
      writes.write(null, tenant, w, stored.get(w), pending);
    }
    faults.accept(Fault.AFTER_DOCUMENT_WRITE);
    Map<ChangeFeed.Ref, Long> positions;
    try {
      positions = feed.allocateAndDrain(tenant, FeedRecord.refs(records), envelope,
          allocated -> envelopes.insertRecords(records, allocated, commit));
    } catch (MongoException | StorageException e) {
      throw new StorageException("the batch committed but is not published yet; recover(tenant) completes it "
          + "(do not retry the batch)", false, e);
    }
    if (positions == null) {
      // The feed lease is busy or a round is in flight: drain without positions, then wait for a round.
      try {
        envelopes.drain(envelope, records);
      } catch (MongoException e) {
        throw new StorageException("the batch committed but its envelope is not drained yet; recover(tenant) "
            + "completes it (do not retry the batch)", false, e);
      }
      return sequenced(tenant, records);
    }
    try {
      envelopes.clear(envelope);
    } catch (MongoException e) {
      // Published already; what is left is an envelope whose re-drain changes nothing, removed by recovery.
      LOG.warn("the envelope of commit {} in {} is not cleared yet; recovery removes it", commit, envelope.holder(),
          e);
    }
    return positions;
  }

  /** A duplicate append must fail before anything commits: the drain after the write could only drop it. */
  private void checkAppendsAbsent(TenantId tenant, List<WriteBatch.Append> appends) {
    Map<String, List<BsonValue>> byStream = new LinkedHashMap<>();
    for (WriteBatch.Append a : appends) {
      byStream.computeIfAbsent(a.stream(), k -> new ArrayList<>()).add(MongoSchema.key(tenant, a.id()));
    }
    for (Map.Entry<String, List<BsonValue>> e : byStream.entrySet()) {
      BsonDocument taken = schema.col(MongoSchema.streamCollection(e.getKey())).find(Filters.in("_id", e.getValue()))
          .first();
      if (taken != null) {
        throw StoreChecks.duplicateRecord(e.getKey(), taken.getDocument("_id").getString("i").getValue());
      }
    }
  }

  // --- transaction mode -----------------------------------------------------------------------------------------

  private void commitInTransaction(TenantId tenant, WriteBatch batch, Map<WriteBatch.Write, BsonDocument> stored,
      List<FeedRecord> records, Instant at) {
    WriteBatch.LeaseGuard guard = batch.leaseGuard();
    try (ClientSession session = client.startSession()) {
      session.withTransaction(() -> {
        if (guard != null) {
          leases.checkGuard(session, tenant, guard, at);
        }
        for (WriteBatch.Write w : batch.writes()) {
          writes.write(session, tenant, w, stored.get(w), null);
        }
        for (Map.Entry<String, List<BsonDocument>> e : FeedRecord.byCollection(records, null).entrySet()) {
          try {
            schema.col(e.getKey()).insertMany(session, e.getValue());
          } catch (MongoException ex) {
            if (MongoErrors.isDuplicateKey(ex)) {
              throw new AppendDuplicate(e.getKey(), ex);
            }
            throw ex;
          }
        }
        return null;
      });
    } catch (DocumentWrites.Duplicate d) {
      throw writes.duplicateKey(tenant, schema.spec(d.collection), d.document, d.insert, d);
    } catch (AppendDuplicate d) {
      throw new DuplicateKeyException(d.collection.substring(2), "id", "a record id is already in stream '"
          + d.collection.substring(2) + "'");
    }
  }

  private static final class AppendDuplicate extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String collection;

    AppendDuplicate(String collection, Throwable cause) {
      super(cause);
      this.collection = collection;
    }
  }
}
