package dev.rapport.crm.internal.command;

import dev.rapport.crm.actor.Actor;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a business step may know besides its input and the aggregate: who acts, the command's time, the id of the
 * record it acts on, and the related records the command path loaded for it (through the actor's own view, so a
 * step never sees what the actor may not). A step never reads the store.
 */
public final class StepContext {
  private final Actor actor;
  private final Instant now;
  private final String id;
  private final Map<String, Object> related;

  StepContext(Actor actor, Instant now, String id, Map<String, Object> related) {
    this.actor = actor;
    this.now = now;
    this.id = id;
    this.related = Map.copyOf(related);
  }

  public Actor actor() {
    return actor;
  }

  public Instant now() {
    return now;
  }

  /** The id of the record the command acts on (the new record's id for a creation). */
  public String id() {
    return id;
  }

  /** A related record the command's definition asked for under {@code path} (checked to exist before the step). */
  public <T> T related(String path, Class<T> type) {
    return type.cast(Objects.requireNonNull(related.get(path), () -> "nothing loaded under " + path));
  }
}
