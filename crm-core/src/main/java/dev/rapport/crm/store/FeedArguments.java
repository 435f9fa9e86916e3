package dev.rapport.crm.store;

import dev.rapport.crm.error.ValidationException;

/**
 * The argument rules of {@link Store#changes} and {@link Store#read}, shared by every adapter so that a bad position
 * or limit fails the same way, with the same rule ids, whatever the store.
 */
public final class FeedArguments {
  /** The largest page a change-feed or stream read may ask for. */
  public static final int MAX_LIMIT = 10_000;

  private FeedArguments() {}

  /** Rejects a negative position ({@code position.range}) or a limit outside 1..{@value #MAX_LIMIT}. */
  public static void check(long afterPosition, int limit) {
    if (afterPosition < 0) {
      throw ValidationException.of("afterPosition", "position.range", "positions start at 0");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "limit.range", "limit must be between 1 and " + MAX_LIMIT);
    }
  }
}
