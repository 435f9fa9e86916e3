package dev.rapport.crm.testkit;

import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.Notifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.NullMarked;

/**
 * A {@link Notifier} for tests: records the events it accepted, in delivery order, and fails on demand so tests
 * can drive the relay's retries and dead letters. Thread-safe.
 *
 * <pre>{@code
 * RecordingNotifier events = new RecordingNotifier();
 * events.failNext(2);                          // the next two deliveries throw
 * events.failWhen(e -> e.type().equals("case.closed"));
 * ...
 * assertThat(events.eventsOfType("customer.created")).hasSize(1);
 * }</pre>
 */
@NullMarked
public final class RecordingNotifier implements Notifier {
  private final String name;
  private final List<Event> events = new ArrayList<>();
  private int attempts;
  private int failuresLeft;
  private Predicate<? super Event> failWhen = e -> false;

  /** Named {@code "recording"}. */
  public RecordingNotifier() {
    this("recording");
  }

  /** For tests that run several notifiers side by side; {@code name} must match {@link Notifier#NAME}. */
  public RecordingNotifier(String name) {
    this.name = Notifier.checkName(name);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Records {@code event}, unless a failure is due ({@link #failNext}, then {@link #failWhen}): then throws
   * {@link SimulatedFailure} and records nothing.
   */
  @Override
  public synchronized void deliver(Event event) {
    Objects.requireNonNull(event, "event");
    attempts++;
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new SimulatedFailure("simulated failure delivering " + event.id());
    }
    if (failWhen.test(event)) {
      throw new SimulatedFailure("simulated failure delivering " + event.id() + " (predicate)");
    }
    events.add(event);
  }

  /** The next {@code n} deliveries fail, whatever the event. */
  public synchronized RecordingNotifier failNext(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative: " + n);
    }
    failuresLeft = n;
    return this;
  }

  /** Every delivery of an event matching {@code predicate} fails, until {@link #clear()} or another call. */
  public synchronized RecordingNotifier failWhen(Predicate<? super Event> predicate) {
    this.failWhen = Objects.requireNonNull(predicate, "predicate");
    return this;
  }

  /** The accepted events, oldest first (a snapshot). Redeliveries appear once per delivery. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The accepted events of one type, oldest first. */
  public synchronized List<Event> eventsOfType(String type) {
    Objects.requireNonNull(type, "type");
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  /** Every call to {@link #deliver}, failed ones included. */
  public synchronized int attempts() {
    return attempts;
  }

  /** Forgets recorded events and attempts, and stops failing. */
  public synchronized void clear() {
    events.clear();
    attempts = 0;
    failuresLeft = 0;
    failWhen = e -> false;
  }

  /** What a simulated failure throws. */
  public static final class SimulatedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedFailure(String message) {
      super(message);
    }
  }
}
