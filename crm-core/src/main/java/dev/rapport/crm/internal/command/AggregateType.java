package dev.rapport.crm.internal.command;

import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import java.time.Instant;

/** How the command path stores one kind of aggregate: its collection, its document form and its bookkeeping. */
public interface AggregateType<A> {

  /** The resource type used by access policies, audit and events ({@code customer}, {@code case}, ...). */
  String resourceType();

  CollectionSpec collection();

  String id(A aggregate);

  long version(A aggregate);

  /** The aggregate with its version and last-change stamp set (the command path owns these fields). */
  A stamped(A aggregate, long version, Instant at, String by);

  Document toDocument(A aggregate);

  /** The aggregate's stored body alone (what policies, audit and the gate see), without its index values. */
  com.fasterxml.jackson.databind.node.ObjectNode body(A aggregate);

  A fromDocument(Document document);
}
