package dev.rapport.crm.feed;

import dev.rapport.crm.error.ValidationException;
import java.util.Objects;

/**
 * A place in a tenant's change feed: every change after it is yet to be read. Start from {@link #start()}, continue
 * from each {@link ChangeBatch#next()}. To resume after a restart, persist {@link #encode()} (a short ASCII token,
 * safe in a URL, a file or a database column) and give it back to {@link #decode(String)}; tokens stay valid across
 * Rapport versions and restarts.
 *
 * <p>A position belongs to the tenant and store it was read from: the feed of every collection of a tenant shares
 * one order, so a position read from one collection's feed may continue another's (nothing committed after it is
 * missed), but a position from another tenant or another database means nothing.
 *
 * <pre>{@code
 * FeedPosition from = FeedPosition.decode(savedToken);   // or FeedPosition.start()
 * ChangeBatch batch = crm.customers().changes(actor, from, 500);
 * batch.changes().forEach(c -> refresh(c.id()));
 * save(batch.next().encode());
 * }</pre>
 */
public record FeedPosition(long value) {
  private static final String PREFIX = "p";
  private static final FeedPosition START = new FeedPosition(0);

  public FeedPosition {
    if (value < 0) {
      throw ValidationException.of("position", "position.range", "positions start at 0");
    }
  }

  /** Before the first change: a read from here returns the tenant's whole feed. */
  public static FeedPosition start() {
    return START;
  }

  /** The token to persist; {@link #decode(String)} turns it back into this position. */
  public String encode() {
    return PREFIX + value;
  }

  /** The position a token from {@link #encode()} names; anything else is a {@link ValidationException}. */
  public static FeedPosition decode(String token) {
    Objects.requireNonNull(token, "token");
    if (token.length() > PREFIX.length() && token.length() <= PREFIX.length() + 19 && token.startsWith(PREFIX)
        && token.substring(PREFIX.length()).chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return new FeedPosition(Long.parseLong(token.substring(PREFIX.length())));
      } catch (NumberFormatException tooLarge) {
        // falls through to the refusal below
      }
    }
    throw ValidationException.of("position", "position.invalid", "not a change-feed position token");
  }
}
