package dev.rapport.crm.internal.command;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One read of a collection's part of a tenant's change feed, for the actor's feed ({@link Reads#changes}) and the
 * system feed ({@code Crm.changes}). It walks the store's feed in chunks and keeps the changes of the collection that
 * {@code visible} admits; the position it returns is past every change it looked at, so skipped changes (other
 * collections, records the reader may not see) are never returned later, and nothing after it is missed (the
 * store's feed guarantee: a position is only ever one the store returned).
 */
public final class ChangeScan {
  /** The most changes one read returns; what one visibility look-up (a page by id) can cover. */
  public static final int MAX_LIMIT = Query.MAX_LIMIT;
  /** The most changes one read looks at, so that a read among many changes of other collections stays short. */
  static final int MAX_LOOKED_AT = 10 * MAX_LIMIT;
  private static final int MIN_CHUNK = 100;

  private ChangeScan() {}

  /**
   * @param visible given the chunk's changes of {@code collection} (never empty), the ids among them to return
   */
  public static ChangeBatch read(Store store, TenantId tenant, String collection, FeedPosition after, int limit,
                                 Function<List<Change>, Set<String>> visible) {
    Objects.requireNonNull(after, "after");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "limit.range", "limit must be between 1 and " + MAX_LIMIT);
    }
    long position = after.value();
    List<Change> out = new ArrayList<>();
    int lookedAt = 0;
    while (true) {
      int ask = Math.min(MAX_LIMIT, Math.max(limit - out.size(), MIN_CHUNK));
      List<Change> chunk = store.changes(tenant, position, ask);
      List<Change> ofCollection = chunk.stream().filter(c -> c.collection().equals(collection)).toList();
      Set<String> shown = ofCollection.isEmpty() ? Set.of() : visible.apply(ofCollection);
      for (Change c : chunk) {
        position = c.position();
        if (c.collection().equals(collection) && shown.contains(c.id())) {
          out.add(c);
          if (out.size() == limit) {
            return new ChangeBatch(out, new FeedPosition(position), false);
          }
        }
      }
      lookedAt += chunk.size();
      if (chunk.size() < ask) {
        return new ChangeBatch(out, new FeedPosition(position), true);
      }
      if (lookedAt >= MAX_LOOKED_AT) {
        return new ChangeBatch(out, new FeedPosition(position), false);
      }
    }
  }
}
