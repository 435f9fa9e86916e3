package dev.rapport.crm.mongo;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.BsonCodec;
import dev.rapport.crm.store.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.jspecify.annotations.Nullable;

/**
 * A change entry or stream record of one commit, in the form it takes in its collection ({@code rapport_changes} or
 * {@code s_<stream>}), without a position. In envelope mode it first travels as an <em>entry</em> in the written
 * document's {@code pending} array ({@link #changeEntry}, {@link #appendEntry}); {@link #of} turns an entry into the
 * record, so a drain after a crash inserts exactly what the commit would have.
 */
record FeedRecord(String collection, BsonDocument doc) {

  /** The envelope entry of a document write: the change the feed records for it. */
  static BsonDocument changeEntry(String commit, int n, WriteBatch.Write w, Instant at) {
    return new BsonDocument("commit", new BsonString(commit)).append("n", new BsonInt32(n))
        .append("kind", new BsonString("change")).append("coll", new BsonString(w.collection()))
        .append("id", new BsonString(w.id())).append("version", new BsonInt64(w.version()))
        .append("op", new BsonString(w.kind().name())).append("at", new BsonDateTime(at.toEpochMilli()));
  }

  /** The envelope entry of an append. */
  static BsonDocument appendEntry(String commit, int n, WriteBatch.Append a, Instant at) {
    return new BsonDocument("commit", new BsonString(commit)).append("n", new BsonInt32(n))
        .append("kind", new BsonString("append")).append("stream", new BsonString(a.stream()))
        .append("id", new BsonString(a.id())).append("type", new BsonString(a.type()))
        .append("payload", BsonCodec.toBson(a.payload())).append("at", new BsonDateTime(at.toEpochMilli()));
  }

  /** The record an entry becomes in its collection. */
  static FeedRecord of(TenantId tenant, BsonDocument entry) {
    String commit = entry.getString("commit").getValue();
    if (entry.getString("kind").getValue().equals("change")) {
      return new FeedRecord(MongoSchema.CHANGES, new BsonDocument("_id",
          new BsonDocument("t", new BsonString(tenant.value()))
              .append("k", new BsonString(commit + "/" + entry.getInt32("n").getValue())))
          .append("tenant", new BsonString(tenant.value())).append("coll", entry.get("coll"))
          .append("id", entry.get("id")).append("version", entry.get("version")).append("op", entry.get("op"))
          .append("at", entry.get("at")));
    }
    return new FeedRecord(MongoSchema.streamCollection(entry.getString("stream").getValue()),
        new BsonDocument("_id", MongoSchema.key(tenant, entry.getString("id").getValue()))
            .append("tenant", new BsonString(tenant.value())).append("origin", new BsonString(commit))
            .append("type", entry.get("type")).append("payload", entry.get("payload")).append("at", entry.get("at")));
  }

  ChangeFeed.Ref ref() {
    return new ChangeFeed.Ref(collection, doc.get("_id"));
  }

  static List<ChangeFeed.Ref> refs(List<FeedRecord> records) {
    List<ChangeFeed.Ref> out = new ArrayList<>(records.size());
    for (FeedRecord r : records) {
      out.add(r.ref());
    }
    return out;
  }

  /** The records grouped by collection, each with its position when {@code positions} gives one. */
  static Map<String, List<BsonDocument>> byCollection(List<FeedRecord> records,
      @Nullable Map<ChangeFeed.Ref, Long> positions) {
    Map<String, List<BsonDocument>> out = new LinkedHashMap<>();
    for (FeedRecord r : records) {
      Long p = positions == null ? null : positions.get(r.ref());
      out.computeIfAbsent(r.collection(), k -> new ArrayList<>())
          .add(p == null ? r.doc() : r.doc().clone().append("pos", new BsonInt64(p)));
    }
    return out;
  }
}
