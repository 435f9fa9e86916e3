package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.MongoErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes what a crash left half-published (module README, "Crash recovery"): drains envelopes still held by
 * documents or carriers, then has the {@link ChangeFeed} position records that have none. Runs once per store
 * instance before its first operation, and whenever the host calls {@code recover} / {@code recoverAll}.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  private static final int ROUND = 500;

  private final MongoSchema schema;
  private final ChangeFeed feed;
  private final Envelopes envelopes;
  private final Duration retry;
  private final String store;
  private final Object lock = new Object();
  private volatile boolean recovered;
  /** {@link System#nanoTime} before which a failed first-use recovery is not retried; guarded by lock. */
  private long nextAttempt = System.nanoTime();

  Recovery(MongoSchema schema, ChangeFeed feed, Envelopes envelopes, Duration retry, String store) {
    this.schema = schema;
    this.feed = feed;
    this.envelopes = envelopes;
    this.retry = retry;
    this.store = store;
  }

  /** Runs {@link #recoverAll()} once, before the first operation; a failure is logged and retried after a while. */
  void onFirstUse() {
    if (recovered) {
      return;
    }
    synchronized (lock) {
      if (recovered || System.nanoTime() - nextAttempt < 0) {
        return;
      }
      try {
        recoverAll();
      } catch (RuntimeException e) {
        nextAttempt = System.nanoTime() + retry.toNanos();
        LOG.warn("recovery on first use of {} failed; a later operation retries it after {}", store, retry, e);
      }
    }
  }

  void recover(TenantId tenant) {
    try {
      for (String c : schema.documentCollections()) {
        for (BsonDocument d : schema.col(c).find(Filters.and(Filters.eq("tenant", tenant.value()),
            Filters.exists("pending.0")))) {
          envelopes.drainAll(tenant, c, d);
        }
      }
      for (BsonDocument d : schema.col(MongoSchema.ENVELOPES).find(Filters.eq("tenant", tenant.value()))) {
        envelopes.drainAll(tenant, MongoSchema.ENVELOPES, d);
      }
      List<String> collections = schema.recordCollections();
      feed.sequence(tenant, List.of(), () -> unpositioned(tenant, collections));
    } catch (MongoException e) {
      throw MongoErrors.translate("recover tenant " + tenant, e);
    }
  }

  void recoverAll() {
    Set<String> tenants = new LinkedHashSet<>();
    try {
      for (String c : schema.documentCollections()) {
        schema.col(c).find(Filters.exists("pending.0")).projection(new BsonDocument("tenant", new BsonInt32(1)))
            .forEach(d -> tenants.add(d.getString("tenant").getValue()));
      }
      schema.col(MongoSchema.ENVELOPES).find().projection(new BsonDocument("tenant", new BsonInt32(1)))
          .forEach(d -> tenants.add(d.getString("tenant").getValue()));
      for (String c : schema.recordCollections()) {
        schema.col(c).find(Filters.exists("pos", false)).projection(new BsonDocument("tenant", new BsonInt32(1)))
            .forEach(d -> tenants.add(d.getString("tenant").getValue()));
      }
      schema.col(ChangeFeed.FEED).find(Filters.exists("inflight"))
          .forEach(d -> tenants.add(d.getString("_id").getValue()));
    } catch (MongoException e) {
      throw MongoErrors.translate("find tenants to recover", e);
    }
    for (String t : tenants) {
      recover(TenantId.of(t));
    }
    recovered = true;
  }

  private List<ChangeFeed.Ref> unpositioned(TenantId tenant, List<String> collections) {
    List<ChangeFeed.Ref> out = new ArrayList<>();
    for (String c : collections) {
      // Oldest commits first keeps positions close to commit order after a crash.
      for (BsonDocument d : schema.col(c).find(Filters.and(Filters.eq("tenant", tenant.value()),
              Filters.exists("pos", false)))
          .projection(new BsonDocument("_id", new BsonInt32(1))).sort(Sorts.ascending("at")).limit(ROUND)) {
        out.add(new ChangeFeed.Ref(c, d.get("_id")));
      }
    }
    return out;
  }
}
