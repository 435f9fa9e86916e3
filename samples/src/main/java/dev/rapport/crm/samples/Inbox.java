package dev.rapport.crm.samples;

import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.Notifier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The sample's notifier: keeps the events it receives, as a host's channel would hand them on. */
final class Inbox implements Notifier {
  private final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "inbox";
  }

  @Override
  public void deliver(Event event) {
    events.add(event);
  }

  /** What arrived, in delivery order (at least once: a redelivered event arrives again with the same id). */
  List<Event> events() {
    return List.copyOf(events);
  }
}
