package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.CrmException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.mongo.internal.BsonCodec;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.mongo.internal.OrderedStrings;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.WriteBatch;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * One document write in its stored form ({@code c_<collection>}, module README "Layout"): an insert, a
 * version-guarded update, or a version-guarded delete (a tombstone while it carries an envelope). Unique values are
 * tenant-scoped keys under {@code u}; a duplicate-key error is named by looking for the value's holder, never by
 * parsing the server's message.
 */
final class DocumentWrites {
  private final MongoSchema schema;
  private final Envelopes envelopes;

  DocumentWrites(MongoSchema schema, Envelopes envelopes) {
    this.schema = schema;
    this.envelopes = envelopes;
  }

  /** The stored form of a document: ids, version, body, typed index values and tenant-scoped unique keys. */
  static BsonDocument stored(TenantId tenant, CollectionSpec spec, Document doc) {
    BsonDocument ix = new BsonDocument();
    BsonDocument u = new BsonDocument();
    for (Map.Entry<String, List<Object>> e : doc.index().entrySet()) {
      IndexSpec i = spec.index(e.getKey()).orElseThrow();
      BsonArray values = new BsonArray();
      BsonArray keys = new BsonArray();
      for (Object v : e.getValue()) {
        values.add(BsonCodec.indexValue(v));
        keys.add(uniqueKey(tenant, v));
      }
      ix.append(e.getKey(), i.multiValued() ? values : values.get(0));
      if (i.unique()) {
        u.append(e.getKey(), i.multiValued() ? keys : keys.get(0));
      }
    }
    return new BsonDocument("_id", MongoSchema.key(tenant, doc.id())).append("tenant", new BsonString(tenant.value()))
        .append("id", new BsonString(OrderedStrings.encode(doc.id()))).append("version", new BsonInt64(doc.version()))
        .append("body", BsonCodec.toBson(doc.body())).append("ix", ix).append("u", u);
  }

  private static BsonDocument uniqueKey(TenantId tenant, Object v) {
    // Decimals are keyed by their canonical text (values are normalised, so 1.0 and 1.00 collide): exact on every
    // server, where mongo-java-server's unique index would compare Decimal128 through double.
    BsonValue value = v instanceof BigDecimal d ? new BsonString(d.toPlainString()) : BsonCodec.indexValue(v);
    return new BsonDocument("t", new BsonString(tenant.value())).append("v", value);
  }

  /**
   * Applies one document write: in {@code session} (a transaction; a duplicate key then throws {@link Duplicate},
   * named after the abort), or alone, carrying {@code pending} (envelope mode).
   */
  void write(@Nullable ClientSession session, TenantId tenant, WriteBatch.Write w,
      @Nullable BsonDocument stored, @Nullable BsonArray pending) {
    CollectionSpec spec = schema.spec(w.collection());
    MongoCollection<BsonDocument> c = schema.col(MongoSchema.docCollection(w.collection()));
    BsonDocument id = MongoSchema.key(tenant, w.id());
    if (w instanceof WriteBatch.Insert i) {
      BsonDocument d = Objects.requireNonNull(stored, "stored");
      if (pending != null) {
        d.append("pending", pending); // the stored form is this commit's own, built for this write
      }
      for (int attempt = 0; ; attempt++) {
        try {
          if (session != null) {
            c.insertOne(session, d);
          } else {
            c.insertOne(d);
          }
          return;
        } catch (MongoException e) {
          if (!MongoErrors.isDuplicateKey(e)) {
            throw e;
          }
          if (session != null) {
            throw new Duplicate(w.collection(), i.document(), true, e);
          }
          // The id may be held by the tombstone of a delete whose envelope is not drained yet: drain it, retry.
          if (attempt == 0 && envelopes.drainHolder(tenant, MongoSchema.docCollection(w.collection()), id)) {
            continue;
          }
          throw duplicateKey(tenant, spec, i.document(), true, e);
        }
      }
    }
    Bson current = Filters.and(Filters.eq("_id", id), Filters.exists("deleted", false));
    long matched;
    if (w instanceof WriteBatch.Update u) {
      BsonDocument d = Objects.requireNonNull(stored, "stored");
      List<Bson> sets = new ArrayList<>();
      sets.add(Updates.set("version", d.get("version")));
      sets.add(Updates.set("body", d.get("body")));
      sets.add(Updates.set("ix", d.get("ix")));
      sets.add(Updates.set("u", d.get("u")));
      if (pending != null) {
        sets.add(Updates.pushEach("pending", pending));
      }
      try {
        Bson filter = Filters.and(current, Filters.eq("version", u.expectedVersion()));
        matched = (session != null ? c.updateOne(session, filter, Updates.combine(sets))
            : c.updateOne(filter, Updates.combine(sets))).getMatchedCount();
      } catch (MongoException e) {
        if (!MongoErrors.isDuplicateKey(e)) {
          throw e;
        }
        if (session != null) {
          throw new Duplicate(w.collection(), u.document(), false, e);
        }
        throw duplicateKey(tenant, spec, u.document(), false, e);
      }
      if (matched == 0) {
        throw conflict(session, c, id, w, u.expectedVersion());
      }
      return;
    }
    WriteBatch.Delete del = (WriteBatch.Delete) w;
    Bson filter = Filters.and(current, Filters.eq("version", del.expectedVersion()));
    if (pending == null) {
      matched = (session != null ? c.deleteOne(session, filter) : c.deleteOne(filter)).getDeletedCount();
    } else {
      // A tombstone carries the envelope until it is drained; readers skip it, and it frees every unique value.
      matched = c.updateOne(filter, Updates.combine(Updates.set("deleted", true), Updates.unset("body"),
          Updates.unset("ix"), Updates.unset("u"), Updates.pushEach("pending", pending))).getMatchedCount();
    }
    if (matched == 0) {
      throw conflict(session, c, id, w, del.expectedVersion());
    }
  }

  /**
   * {@code Store#reindex} of one document: its {@code ix} and {@code u} replaced where it is still at the version its
   * values were computed from (body, version and envelopes untouched). False when it is not.
   */
  boolean reindex(TenantId tenant, CollectionSpec spec, Document doc) {
    MongoCollection<BsonDocument> c = schema.col(MongoSchema.docCollection(spec.name()));
    BsonDocument d = stored(tenant, spec, doc);
    Bson filter = Filters.and(Filters.eq("_id", MongoSchema.key(tenant, doc.id())), Filters.exists("deleted", false),
        Filters.eq("version", doc.version()));
    try {
      return c.updateOne(filter, Updates.combine(Updates.set("ix", d.get("ix")), Updates.set("u", d.get("u"))))
          .getMatchedCount() == 1;
    } catch (MongoException e) {
      if (!MongoErrors.isDuplicateKey(e)) {
        throw e;
      }
      throw duplicateKey(tenant, spec, doc, false, e);
    }
  }

  private static VersionConflictException conflict(@Nullable ClientSession session,
      MongoCollection<BsonDocument> c, BsonDocument id, WriteBatch.Write w, long expected) {
    Bson filter = Filters.and(Filters.eq("_id", id), Filters.exists("deleted", false));
    BsonDocument now = session != null ? c.find(session, filter).first() : c.find(filter).first();
    return StoreChecks.versionConflict(w, expected, now == null ? null : now.getInt64("version").getValue());
  }

  /** Marks a duplicate key met inside a transaction; the field is found after the transaction is aborted. */
  static final class Duplicate extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String collection;
    final transient Document document;
    final boolean insert;

    Duplicate(String collection, Document document, boolean insert, Throwable cause) {
      super(cause);
      this.collection = collection;
      this.document = document;
      this.insert = insert;
    }
  }

  /** Names the unique field a rejected write collides on by looking for the value's holder. */
  CrmException duplicateKey(TenantId tenant, CollectionSpec spec, Document doc, boolean insert, Exception cause) {
    MongoCollection<BsonDocument> c = schema.col(MongoSchema.docCollection(spec.name()));
    BsonDocument id = MongoSchema.key(tenant, doc.id());
    if (insert && c.countDocuments(Filters.eq("_id", id)) > 0) {
      return StoreChecks.duplicateDocument(spec.name(), doc.id());
    }
    for (IndexSpec i : spec.indexes()) {
      if (!i.unique() || doc.values(i.name()).isEmpty()) {
        continue;
      }
      List<BsonValue> keys = new ArrayList<>();
      for (Object v : doc.values(i.name())) {
        keys.add(uniqueKey(tenant, v));
      }
      if (c.countDocuments(Filters.and(Filters.in("u." + i.name(), keys), Filters.ne("_id", id))) > 0) {
        return new DuplicateKeyException(spec.name(), i.name());
      }
    }
    return new StorageException("a unique value of " + spec.name() + "/" + doc.id()
        + " was taken and released concurrently; retry", true, cause);
  }
}
