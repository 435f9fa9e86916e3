package dev.rapport.crm.notify;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Test fixture: records what it accepted, and fails (or crashes) on the events a test says. */
final class ScriptedNotifier implements Notifier {
  private final List<Event> delivered = new CopyOnWriteArrayList<>();
  private final List<String> attempts = new CopyOnWriteArrayList<>();
  private volatile Predicate<Event> failWhen = e -> false;
  private volatile Predicate<Event> crashAfterDeliveryWhen = e -> false;

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public void deliver(Event event) {
    attempts.add(event.id());
    if (failWhen.test(event)) {
      throw new IllegalStateException("receiver down for " + event.id());
    }
    delivered.add(event);
    if (crashAfterDeliveryWhen.test(event)) {
      crashAfterDeliveryWhen = e -> false;
      throw new SimulatedCrash();
    }
  }

  void failWhen(Predicate<Event> p) {
    failWhen = p;
  }

  /** The next delivery matching {@code p} succeeds, then the "process dies" before the relay records it. */
  void crashOnceAfterDelivering(Predicate<Event> p) {
    crashAfterDeliveryWhen = p;
  }

  List<String> deliveredIds() {
    return delivered.stream().map(Event::id).toList();
  }

  List<String> attempts() {
    return List.copyOf(attempts);
  }

  /** An Error, like a JVM dying mid-run: the relay does not catch it as a delivery failure. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash() {
      super("simulated crash");
    }
  }
}
