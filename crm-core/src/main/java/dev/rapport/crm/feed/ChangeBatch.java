package dev.rapport.crm.feed;

import dev.rapport.crm.store.Change;
import java.util.List;
import java.util.Objects;

/**
 * One read of a change feed: the changes, oldest first, and the position to read on from.
 *
 * <p>{@link #next()} is past every change the read looked at, including changes of other collections and, for a
 * feed read through an actor's access, changes of records the actor may not see: they are skipped, never returned
 * later. A batch may therefore hold fewer changes than asked for, even none, while more follow; {@link #caughtUp()}
 * says whether the read reached the end of what was committed when it ran. A consumer reads on from
 * {@code next()} until it is caught up, then polls from there.
 *
 * @param changes the changes, in commit (position) order; a record changed twice appears twice
 * @param next where the next read starts; equal to the position given when nothing was read
 * @param caughtUp true when nothing committed after {@code next} was visible to this read
 */
public record ChangeBatch(List<Change> changes, FeedPosition next, boolean caughtUp) {
  public ChangeBatch {
    changes = List.copyOf(changes);
    Objects.requireNonNull(next, "next");
  }
}
