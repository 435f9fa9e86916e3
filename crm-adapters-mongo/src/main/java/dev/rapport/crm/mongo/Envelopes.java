package dev.rapport.crm.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.MongoErrors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending envelopes (ENVELOPE mode, module README): a commit's change entry and stream records ride in its single
 * document write ({@code pending: [...]}, or a carrier in {@code rapport_envelopes} for a batch of appends only),
 * and are then <em>drained</em> into their collections, idempotently (unique {@code _id}s make a re-drain a no-op),
 * and cleared from the holder. A tombstone (a delete's document) is removed once its last entries are cleared.
 */
final class Envelopes implements ChangeFeed.Envelopes {
  private static final Logger LOG = LoggerFactory.getLogger(Envelopes.class);

  private final MongoSchema schema;
  private final Consumer<Fault> faults;

  Envelopes(MongoSchema schema, Consumer<Fault> faults) {
    this.schema = schema;
    this.faults = faults;
  }

  /**
   * Inserts one commit's records, at {@code positions} when given; returns how many carry their given position
   * (a copy already there from a re-drain without positions takes it now; one from another commit is dropped).
   */
  long insertRecords(List<FeedRecord> records, @Nullable Map<ChangeFeed.Ref, Long> positions, String commit) {
    long placed = 0;
    for (Map.Entry<String, List<BsonDocument>> e : FeedRecord.byCollection(records, positions).entrySet()) {
      List<BsonDocument> again = insertIdempotently(e.getKey(), e.getValue(), commit);
      placed += e.getValue().size() - again.size();
      if (positions != null) {
        for (BsonDocument r : again) {
          if (r.containsKey("pos")) {
            placed += schema.col(e.getKey()).updateOne(Filters.and(Filters.eq("_id", r.get("_id")),
                Filters.exists("pos", false)), Updates.set("pos", r.get("pos"))).getMatchedCount();
          }
        }
      }
    }
    return placed;
  }

  /** Moves one commit's entries from its envelope to their collections, then clears them from the envelope. */
  void drain(ChangeFeed.Envelope envelope, List<FeedRecord> records) {
    insertRecords(records, null, envelope.commit());
    faults.accept(Fault.AFTER_DRAIN_INSERTS);
    clear(envelope);
  }

  /** Re-drains the envelope of a round taken over from a dead holder, at the positions it allocated. */
  @Override
  public void redrain(TenantId tenant, ChangeFeed.Envelope envelope, Map<ChangeFeed.Ref, Long> positions) {
    BsonDocument d = schema.col(envelope.holder()).find(Filters.eq("_id", envelope.holderId())).first();
    List<FeedRecord> records = new ArrayList<>();
    if (d != null) {
      for (BsonValue v : d.getArray("pending", new BsonArray())) {
        if (v.asDocument().getString("commit").getValue().equals(envelope.commit())) {
          records.add(FeedRecord.of(tenant, v.asDocument()));
        }
      }
    }
    if (!records.isEmpty()) {
      insertRecords(records, positions, envelope.commit());
    }
  }

  /** Removes a drained commit's entries from their holder (and a tombstone or carrier they leave empty). */
  @Override
  public void clear(ChangeFeed.Envelope envelope) {
    String holder = envelope.holder();
    BsonValue holderId = envelope.holderId();
    if (holder.equals(MongoSchema.ENVELOPES)) {
      schema.col(MongoSchema.ENVELOPES).deleteOne(Filters.eq("_id", holderId));
    } else {
      // One command in the common case: the state after the $pull says whether a tombstone is left to remove
      // (whoever pulls its last commit sees it empty and removes it, whichever drain comes last).
      BsonDocument left = schema.col(holder).findOneAndUpdate(Filters.eq("_id", holderId),
          Updates.pull("pending", new BsonDocument("commit", new BsonString(envelope.commit()))),
          new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
              .projection(new BsonDocument("deleted", new BsonInt32(1)).append("pending", new BsonInt32(1))));
      if (left != null && left.isBoolean("deleted") && left.getBoolean("deleted").getValue()
          && left.getArray("pending", new BsonArray()).isEmpty()) {
        schema.col(holder).deleteOne(Filters.and(Filters.eq("_id", holderId), Filters.eq("deleted", true),
            Filters.exists("pending.0", false)));
      }
    }
    faults.accept(Fault.AFTER_ENVELOPE_CLEARED);
  }

  /**
   * Inserts records; returns those already there from the same commit (a re-drain). One already there from another
   * commit is a conflict: the first one wins, this copy is dropped and logged.
   */
  private List<BsonDocument> insertIdempotently(String collection, List<BsonDocument> records, String commit) {
    try {
      schema.col(collection).insertMany(records, new InsertManyOptions().ordered(false));
      return List.of();
    } catch (MongoBulkWriteException e) {
      if (!MongoErrors.isDuplicateKey(e)) {
        throw e;
      }
      List<BsonDocument> again = new ArrayList<>();
      for (BulkWriteError err : e.getWriteErrors()) {
        BsonDocument mine = records.get(err.getIndex());
        BsonDocument there = schema.col(collection).find(Filters.eq("_id", mine.get("_id"))).first();
        if (there != null && there.containsKey("origin") && !there.get("origin").equals(mine.get("origin"))) {
          // Two concurrent commits appended the same record id and both passed the pre-check; the first one wins.
          LOG.error("record {} of commit {} was already appended to {} by commit {}; the later copy is dropped",
              mine.get("_id"), commit, collection, there.get("origin"));
        } else {
          again.add(mine);
        }
      }
      return again;
    }
  }

  /** Holds the tombstone or envelope of {@code id} in {@code holder} pending entries? Drains them; true if so. */
  boolean drainHolder(TenantId tenant, String holder, BsonValue id) {
    BsonDocument d = schema.col(holder).find(Filters.eq("_id", id)).first();
    if (d == null || !d.isArray("pending")) {
      return false;
    }
    drainAll(tenant, holder, d);
    return true;
  }

  /** Drains every holder (document or carrier) of the tenant still carrying the entries of one of {@code commits}. */
  void drainCommits(TenantId tenant, Collection<String> commits) {
    Bson carrying = Filters.and(Filters.eq("tenant", tenant.value()), Filters.in("pending.commit", commits));
    for (String holder : schema.documentCollections()) {
      for (BsonDocument d : schema.col(holder).find(carrying)) {
        drainAll(tenant, holder, d);
      }
    }
    for (BsonDocument d : schema.col(MongoSchema.ENVELOPES).find(carrying)) {
      drainAll(tenant, MongoSchema.ENVELOPES, d);
    }
  }

  /** Drains every commit whose entries holder document {@code d} still carries. */
  void drainAll(TenantId tenant, String holder, BsonDocument d) {
    Map<String, List<BsonDocument>> byCommit = new LinkedHashMap<>();
    for (BsonValue v : d.getArray("pending", new BsonArray())) {
      BsonDocument e = v.asDocument();
      byCommit.computeIfAbsent(e.getString("commit").getValue(), k -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<String, List<BsonDocument>> e : byCommit.entrySet()) {
      List<FeedRecord> records = new ArrayList<>();
      for (BsonDocument entry : e.getValue()) {
        records.add(FeedRecord.of(tenant, entry));
      }
      drain(new ChangeFeed.Envelope(holder, d.get("_id"), e.getKey()), records);
    }
    if (byCommit.isEmpty() && holder.equals(MongoSchema.ENVELOPES)) {
      schema.col(MongoSchema.ENVELOPES).deleteOne(Filters.eq("_id", d.get("_id")));
    }
  }
}
