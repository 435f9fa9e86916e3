package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.BsonCodec;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.StreamRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.BsonDocument;

/**
 * Reads of the change feed and of streams: records in position order, never past the tenant's published position
 * ({@link ChangeFeed#published}), so a reader that has seen P never misses a record positioned later.
 */
final class FeedReads {
  private final MongoSchema schema;
  private final ChangeFeed feed;

  FeedReads(MongoSchema schema, ChangeFeed feed) {
    this.schema = schema;
    this.feed = feed;
  }

  List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    return published(tenant, MongoSchema.CHANGES, afterPosition, limit, "read the change feed",
        d -> new Change(d.getInt64("pos").getValue(), d.getString("coll").getValue(), d.getString("id").getValue(),
            d.getInt64("version").getValue(), Change.Kind.valueOf(d.getString("op").getValue()),
            Instant.ofEpochMilli(d.getDateTime("at").getValue())));
  }

  List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    return published(tenant, MongoSchema.streamCollection(stream), afterPosition, limit, "read stream " + stream,
        d -> new StreamRecord(stream, d.getInt64("pos").getValue(), d.getDocument("_id").getString("i").getValue(),
            d.getString("type").getValue(), BsonCodec.toJson(d.getDocument("payload")),
            Instant.ofEpochMilli(d.getDateTime("at").getValue())));
  }

  private <T> List<T> published(TenantId tenant, String collection, long afterPosition, int limit, String what,
      Function<BsonDocument, T> row) {
    try {
      long published = feed.published(tenant);
      List<T> out = new ArrayList<>();
      if (published <= afterPosition) {
        return out;
      }
      for (BsonDocument d : schema.col(collection).find(Filters.and(Filters.eq("tenant", tenant.value()),
          Filters.gt("pos", afterPosition), Filters.lte("pos", published))).sort(Sorts.ascending("pos")).limit(limit)) {
        out.add(row.apply(d));
      }
      return out;
    } catch (MongoException e) {
      throw MongoErrors.translate(what, e);
    }
  }
}
