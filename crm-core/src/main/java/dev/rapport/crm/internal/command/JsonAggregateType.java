package dev.rapport.crm.internal.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.internal.StoredRead;
import dev.rapport.crm.store.Document;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
    return StoredRead.read(() -> {
      A read = read(body);
      return read != null ? read : Json.fromTree(body, javaType);
    });
  }

  /**
   * The aggregate read straight off {@code body} without Jackson, or null to let Jackson read it (the default): a
   * type whose reads are hot reads the form it writes itself and leaves anything else to Jackson.
   */
  protected @Nullable A read(ObjectNode body) {
    return null;
  }

  /** The index values of an aggregate, by the field names of the collection spec. */
  public abstract Map<String, List<Object>> index(A aggregate);
}
