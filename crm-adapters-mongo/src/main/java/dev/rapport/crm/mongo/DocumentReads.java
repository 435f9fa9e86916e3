package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.BsonCodec;
import dev.rapport.crm.mongo.internal.FilterTranslator;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.KeysetPaging;
import dev.rapport.crm.store.StoreChecks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * Reads of documents: by id, by unique value, a page of a query, a count. Criteria become filters on the typed
 * index sub-document ({@link FilterTranslator}, after the spec checked them); tombstones of deletes still draining
 * are never returned.
 */
final class DocumentReads {
  private final MongoSchema schema;

  DocumentReads(MongoSchema schema) {
    this.schema = schema;
  }

  private static Bson live(TenantId tenant) {
    return Filters.and(Filters.eq("tenant", tenant.value()), Filters.exists("deleted", false));
  }

  private MongoCollection<BsonDocument> documents(String collection) {
    return schema.col(MongoSchema.docCollection(collection));
  }

  Optional<Document> get(TenantId tenant, String collection, String id) {
    CollectionSpec spec = schema.spec(collection);
    try {
      BsonDocument d = documents(collection)
          .find(Filters.and(Filters.eq("_id", MongoSchema.key(tenant, id)), Filters.exists("deleted", false))).first();
      return Optional.ofNullable(d).map(found -> toDocument(found, spec));
    } catch (MongoException e) {
      throw MongoErrors.translate("read a document", e);
    }
  }

  Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    CollectionSpec spec = schema.spec(collection);
    Object v = StoreChecks.checkUniqueLookup(spec, field, value);
    Bson filter = new FilterTranslator(spec).translate(Criteria.eq(field, v));
    try {
      BsonDocument d = documents(collection).find(Filters.and(live(tenant), filter)).first();
      return Optional.ofNullable(d).map(found -> toDocument(found, spec));
    } catch (MongoException e) {
      throw MongoErrors.translate("read a document", e);
    }
  }

  Page<Document> query(TenantId tenant, String collection, Query query) {
    CollectionSpec spec = schema.spec(collection);
    Criteria criteria = KeysetPaging.criteria(spec, query);
    List<Bson> sorts = new ArrayList<>();
    for (Sort.Key k : query.sort().effectiveKeys()) {
      String path = FilterTranslator.path(k.field());
      sorts.add(k.direction() == Sort.Direction.ASC ? Sorts.ascending(path) : Sorts.descending(path));
    }
    Bson filter = Filters.and(live(tenant), new FilterTranslator(spec).translate(criteria));
    try {
      List<Document> docs = new ArrayList<>();
      for (BsonDocument d : documents(collection).find(filter).sort(Sorts.orderBy(sorts)).limit(query.limit() + 1)) {
        docs.add(toDocument(d, spec));
      }
      return KeysetPaging.page(docs, query);
    } catch (MongoException e) {
      throw MongoErrors.translate("query " + collection, e);
    }
  }

  long count(TenantId tenant, String collection, Criteria criteria) {
    CollectionSpec spec = schema.spec(collection);
    spec.check(criteria);
    try {
      return documents(collection)
          .countDocuments(Filters.and(live(tenant), new FilterTranslator(spec).translate(criteria)));
    } catch (MongoException e) {
      throw MongoErrors.translate("count " + collection, e);
    }
  }

  /** A read document: the body and the single-valued index values ({@link Document#asRead}). */
  private static Document toDocument(BsonDocument d, CollectionSpec spec) {
    Map<String, List<Object>> index = new LinkedHashMap<>();
    BsonDocument ix = d.getDocument("ix", new BsonDocument());
    for (Map.Entry<String, BsonValue> e : ix.entrySet()) {
      if (spec.index(e.getKey()).filter(i -> !i.multiValued()).isPresent()) {
        index.put(e.getKey(), BsonCodec.kernelValues(e.getValue()));
      }
    }
    return new Document(d.getDocument("_id").getString("i").getValue(), d.getInt64("version").getValue(),
        BsonCodec.toJson(d.getDocument("body", new BsonDocument())), index);
  }
}
