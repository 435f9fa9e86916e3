package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.conversions.Bson;

/**
 * Leases in {@code rapport_leases}: one document per tenant and lease name, changed only by compare-and-set
 * commands (renewal by the owner, takeover of a free or expired lease with {@code token + 1}, first insert). A
 * released lease keeps its document and token, so the next holder's token is greater than every one handed out.
 */
final class LeaseCollection {
  private final MongoSchema schema;
  private final Clock clock;

  LeaseCollection(MongoSchema schema, Clock clock) {
    this.schema = schema;
    this.clock = clock;
  }

  private static BsonDocument id(TenantId tenant, String name) {
    return new BsonDocument("t", new BsonString(tenant.value())).append("n", new BsonString(name));
  }

  Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant expiresAt = StoreChecks.leaseExpiry(now, ttl);
    BsonDocument id = id(tenant, name);
    MongoCollection<BsonDocument> leases = schema.col(MongoSchema.LEASES);
    FindOneAndUpdateOptions after = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
    BsonDateTime until = new BsonDateTime(expiresAt.toEpochMilli());
    try {
      // Renewal: the same owner, nobody took it over since; keeps the token.
      BsonDocument d = leases.findOneAndUpdate(Filters.and(Filters.eq("_id", id), Filters.eq("owner", owner)),
          Updates.set("expiresAt", until), after);
      if (d == null) {
        // Takeover of a free, released or expired lease: a greater token fences the previous owner.
        d = leases.findOneAndUpdate(Filters.and(Filters.eq("_id", id),
                Filters.lte("expiresAt", new BsonDateTime(now.toEpochMilli()))),
            Updates.combine(Updates.set("owner", owner), Updates.set("expiresAt", until), Updates.inc("token", 1L)),
            after);
      }
      if (d == null) {
        try {
          leases.insertOne(new BsonDocument("_id", id).append("owner", new BsonString(owner))
              .append("token", new BsonInt64(1)).append("expiresAt", until));
          return Optional.of(new Lease(name, owner, 1, expiresAt));
        } catch (MongoException e) {
          if (MongoErrors.isDuplicateKey(e)) {
            return Optional.empty();
          }
          throw e;
        }
      }
      return Optional.of(new Lease(name, owner, d.getInt64("token").getValue(),
          Instant.ofEpochMilli(d.getDateTime("expiresAt").getValue())));
    } catch (MongoException e) {
      throw MongoErrors.translate("acquire lease " + name, e);
    }
  }

  boolean release(TenantId tenant, Lease lease) {
    try {
      // The document stays, so the next holder's token is still greater than every token handed out before.
      return schema.col(MongoSchema.LEASES).updateOne(Filters.and(Filters.eq("_id", id(tenant, lease.name())),
              Filters.eq("owner", lease.owner()), Filters.eq("token", lease.token())),
          Updates.combine(Updates.unset("owner"), Updates.set("expiresAt", new BsonDateTime(Long.MIN_VALUE))))
          .getMatchedCount() == 1;
    } catch (MongoException e) {
      throw MongoErrors.translate("release lease " + lease.name(), e);
    }
  }

  /**
   * Fails with {@link StoreChecks#leaseLost} unless the guard's lease is held, with its token, past {@code at}. In a
   * transaction ({@code session}) the check is a write, so a concurrent takeover conflicts with the transaction.
   */
  void checkGuard(ClientSession session, TenantId tenant, WriteBatch.LeaseGuard guard, Instant at) {
    boolean held = schema.col(MongoSchema.LEASES).updateOne(session, guardFilter(tenant, guard, at),
        Updates.set("guardedAt", new BsonDateTime(at.toEpochMilli()))).getMatchedCount() == 1;
    if (!held) {
      throw StoreChecks.leaseLost(guard);
    }
  }

  /** Without a transaction: a read just before the write, not atomic with it (module README, ENVELOPE). */
  void checkGuard(TenantId tenant, WriteBatch.LeaseGuard guard, Instant at) {
    if (schema.col(MongoSchema.LEASES).countDocuments(guardFilter(tenant, guard, at)) != 1) {
      throw StoreChecks.leaseLost(guard);
    }
  }

  private static Bson guardFilter(TenantId tenant, WriteBatch.LeaseGuard guard, Instant at) {
    return Filters.and(Filters.eq("_id", id(tenant, guard.name())), Filters.eq("owner", guard.owner()),
        Filters.eq("token", guard.token()), Filters.gt("expiresAt", new BsonDateTime(at.toEpochMilli())));
  }
}
