/**
 * Rapport core: the domain model, commands, queries, ports, the storage kernel SPI and the in-memory kernel.
 *
 * <p>Every API package is exported; {@code dev.rapport.crm.internal} and its subpackages (the command path, the
 * services behind {@code Customers}/{@code Interactions}/{@code Cases}, the JSON mapping) are not.
 *
 * <p>The packages whose types are stored as JSON (the aggregates, their value objects and the command inputs a
 * parked command keeps) are opened to Jackson, and those holding Bean Validation constraints to Hibernate
 * Validator: both read private members (package-private JSON creators, record fields) reflectively. The opens are
 * qualified, so no other module gains deep access.
 */
module dev.rapport.crm.core {
  // in API signatures: ObjectNode/JsonNode bodies, constraint annotations on command inputs, HttpClient
  requires transitive com.fasterxml.jackson.databind;
  requires transitive jakarta.validation;
  requires transitive java.net.http;
  // @NullMarked/@Nullable on every package: needed to compile against the API, not to run it
  requires static transitive org.jspecify;

  // implementation only
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.google.common;
  requires com.google.i18n.phonenumbers.libphonenumber;
  // only to keep Hibernate Validator's version line off the console (Crm.VALIDATOR_VERSION)
  requires java.logging;
  requires org.hibernate.validator;
  requires org.slf4j;

  exports dev.rapport.crm;
  exports dev.rapport.crm.access;
  exports dev.rapport.crm.actor;
  exports dev.rapport.crm.approval;
  exports dev.rapport.crm.command;
  exports dev.rapport.crm.contact;
  exports dev.rapport.crm.customer;
  exports dev.rapport.crm.directory;
  exports dev.rapport.crm.error;
  exports dev.rapport.crm.feed;
  exports dev.rapport.crm.interaction;
  exports dev.rapport.crm.lifecycle;
  exports dev.rapport.crm.module;
  exports dev.rapport.crm.money;
  exports dev.rapport.crm.notify;
  exports dev.rapport.crm.query;
  exports dev.rapport.crm.recording;
  exports dev.rapport.crm.servicecase;
  exports dev.rapport.crm.store;
  exports dev.rapport.crm.store.memory;
  exports dev.rapport.crm.tag;

  // Jackson maps the stored JSON (aggregates, their value objects, the command inputs a parked command keeps) by
  // reflection; contact needs it today (EmailAddress's package-private @JsonCreator/@JsonValue), the others are
  // opened by the same rule so that a non-public creator or accessor does not break only on the module path.
  // Hibernate Validator reads the constrained record fields of the command inputs.
  opens dev.rapport.crm.actor to com.fasterxml.jackson.databind;
  opens dev.rapport.crm.contact to com.fasterxml.jackson.databind;
  opens dev.rapport.crm.customer to com.fasterxml.jackson.databind, org.hibernate.validator;
  opens dev.rapport.crm.interaction to com.fasterxml.jackson.databind, org.hibernate.validator;
  opens dev.rapport.crm.money to com.fasterxml.jackson.databind;
  opens dev.rapport.crm.servicecase to com.fasterxml.jackson.databind, org.hibernate.validator;
  opens dev.rapport.crm.tag to com.fasterxml.jackson.databind;
}
