package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.MongoErrors;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.conversions.Bson;

/**
 * {@code Store#purge}: deletes stream records by position. Only published records go (those {@code read} returns):
 * an unpublished one may still be written again by a round in flight. Positions come from the tenant's feed counter,
 * which a delete never lowers, so none is handed out again.
 *
 * <p>A record's commit may still have its envelope on a holder (a node died, or failed to clear it, after
 * publishing); a later recovery would drain it and insert the purged record again, at a new position. So the
 * envelopes of the purged records' commits are drained (a no-op insert, then cleared) before the records are
 * deleted. No transaction: a failure in between leaves part of the positions purged, and a purge again is safe.
 */
final class Purges {
  private final MongoSchema schema;
  private final ChangeFeed feed;
  private final Envelopes envelopes;

  Purges(MongoSchema schema, ChangeFeed feed, Envelopes envelopes) {
    this.schema = schema;
    this.feed = feed;
    this.envelopes = envelopes;
  }

  /** Deletes the published records of {@code stream} at {@code positions} (distinct); returns how many went. */
  int purge(TenantId tenant, String stream, List<Long> positions) {
    try {
      MongoCollection<BsonDocument> records = schema.col(MongoSchema.streamCollection(stream));
      Bson purged = Filters.and(Filters.eq("tenant", tenant.value()), Filters.in("pos", positions),
          Filters.lte("pos", feed.published(tenant)));
      Set<String> commits = new LinkedHashSet<>();
      for (BsonDocument d : records.find(purged).projection(new BsonDocument("origin", new BsonInt32(1)))) {
        commits.add(d.getString("origin").getValue());
      }
      if (commits.isEmpty()) {
        return 0;
      }
      envelopes.drainCommits(tenant, commits);
      return (int) records.deleteMany(purged).getDeletedCount();
    } catch (MongoException e) {
      throw MongoErrors.translate("purge stream " + stream, e);
    }
  }
}
