package dev.rapport.crm.internal.command;

import dev.rapport.crm.internal.Json;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import java.util.List;
import java.util.Map;

/** An aggregate stored as its own JSON form, with index values derived from it. */
public abstract class JsonAggregateType<A> implements AggregateType<A> {
  private final String resourceType;
  private final CollectionSpec spec;
  private final Class<A> javaType;

  protected JsonAggregateType(String resourceType, CollectionSpec spec, Class<A> javaType) {
    this.resourceType = resourceType;
    this.spec = spec;
    this.javaType = javaType;
  }

  @Override
  public final String resourceType() {
    return resourceType;
  }

  @Override
  public final CollectionSpec collection() {
    return spec;
  }

  @Override
  public final Document toDocument(A aggregate) {
    return new Document(id(aggregate), version(aggregate), body(aggregate), index(aggregate));
  }

  @Override
  public final com.fasterxml.jackson.databind.node.ObjectNode body(A aggregate) {
    return Json.toTree(aggregate);
  }

  @Override
  public final A fromDocument(Document document) {
    return Json.fromTree(document.body(), javaType);
  }

  /** The index values of an aggregate, by the field names of the collection spec. */
  public abstract Map<String, List<Object>> index(A aggregate);
}
