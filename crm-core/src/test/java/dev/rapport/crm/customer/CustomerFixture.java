package dev.rapport.crm.customer;

import dev.rapport.crm.TestIndexes;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.Notifier;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Crm on a fresh in-memory store, with a notifier that keeps what it receives. */
final class CustomerFixture {
  final InMemoryStore store;
  final List<Event> events = new CopyOnWriteArrayList<>();
  final Crm crm;
  final Actor alice = Actor.of("acme", "alice");

  CustomerFixture() {
    this(Clock.fixed(Instant.parse("2026-11-23T08:00:00Z"), ZoneOffset.UTC),
        Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD));
  }

  CustomerFixture(Clock clock, Crm.Builder builder) {
    store = InMemoryStore.create(clock);
    crm = builder.store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).clock(clock)
        .publishOn(Runnable::run) // deliveries on the test thread, so events can be asserted right after a command
        .notifier(new Notifier() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public void deliver(Event event) {
            events.add(event);
          }
        }).build();
  }

  Customers customers() {
    return crm.customers();
  }

  List<String> eventTypes() {
    return events.stream().map(Event::type).toList();
  }

  int changeCount() {
    return store.changes(alice.tenant(), 0, 10_000).size();
  }
}
