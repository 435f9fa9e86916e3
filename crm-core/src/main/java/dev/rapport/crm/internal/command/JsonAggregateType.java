package dev.rapport.crm.internal.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.internal.StoredRead;
import dev.rapport.crm.store.Document;
import java.util.List;
import java.util.Map;

/** An aggregate stored as its own JSON form, with index values derived from it. */
public abstract class JsonAggregateType<A> implements AggregateType<A> {
  private final ResourceType resource;
  private final Class<A> javaType;

  protected JsonAggregateType(ResourceType resource, Class<A> javaType) {
    this.resource = resource;
    this.javaType = javaType;
  }

  @Override
  public final ResourceType resource() {
    return resource;
  }

  @Override
  public final Document toDocument(A aggregate) {
    return new Document(id(aggregate), version(aggregate), body(aggregate), index(aggregate));
  }

  /** The aggregate's JSON form, {@link Json#toTree} unless a type builds the same tree more cheaply. */
  @Override
  public ObjectNode body(A aggregate) {
    return Json.toTree(aggregate);
  }

  /** The aggregate a stored body holds, its values taken as stored ({@link StoredRead}). */
  @Override
  public final A fromBody(ObjectNode body) {
    return StoredRead.fromTree(body, javaType);
  }

  /** The index values of an aggregate, by the field names of the collection spec. */
  public abstract Map<String, List<Object>> index(A aggregate);
}
