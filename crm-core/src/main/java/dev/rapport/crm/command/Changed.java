package dev.rapport.crm.command;

import java.util.List;
import java.util.Objects;

/** The result of a business method: the aggregate's next state and the events the change caused. */
public record Changed<A>(A next, List<DomainEvent> events) {
  public Changed {
    Objects.requireNonNull(next, "next");
    events = List.copyOf(events);
  }

  public static <A> Changed<A> of(A next, DomainEvent... events) {
    return new Changed<>(next, List.of(events));
  }

  /** No change at all: {@code current} stays as it is, nothing is written, no event. */
  public static <A> Changed<A> none(A current) {
    return new Changed<>(current, List.of());
  }

  /** No change at all (an idempotent repeat): nothing is written. */
  public boolean isEmpty() {
    return events.isEmpty();
  }
}
