package dev.rapport.crm.testkit.assertions;

import dev.rapport.crm.notify.Event;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.AbstractListAssert;
import org.assertj.core.api.ObjectAssert;

/** Fluent assertions on delivered events: {@code assertThat(recording.events()).hasTypes("customer.created")}. */
public final class EventsAssert extends AbstractListAssert<EventsAssert, List<? extends Event>, Event, ObjectAssert<Event>> {

  EventsAssert(List<? extends Event> actual) {
    super(actual, EventsAssert.class);
  }

  @Override
  protected ObjectAssert<Event> toAssert(Event value, String description) {
    return new ObjectAssert<>(value).as(description);
  }

  @Override
  protected EventsAssert newAbstractIterableAssert(Iterable<? extends Event> iterable) {
    List<Event> list = new java.util.ArrayList<>();
    iterable.forEach(list::add);
    return new EventsAssert(list);
  }

  /** The event types, in delivery order, are exactly these. */
  public EventsAssert hasTypes(String... types) {
    isNotNull();
    List<String> actualTypes = actual.stream().map(Event::type).toList();
    if (!actualTypes.equals(List.of(types))) {
      failWithMessage("Expected event types %s but were %s", List.of(types), actualTypes);
    }
    return this;
  }

  /** Every event id is distinct (consumers de-duplicate on it; the same event twice is a redelivery). */
  public EventsAssert haveDistinctIds() {
    isNotNull();
    Set<String> seen = new HashSet<>();
    for (Event e : actual) {
      if (!seen.add(e.id())) {
        failWithMessage("Event id %s was delivered more than once", e.id());
      }
    }
    return this;
  }

  /** Only events about this aggregate. */
  public EventsAssert allAbout(String aggregateId) {
    isNotNull();
    for (Event e : actual) {
      if (!e.aggregateId().equals(aggregateId)) {
        failWithMessage("Expected every event to be about %s but %s is about %s", aggregateId, e.type(), e.aggregateId());
      }
    }
    return this;
  }
}
