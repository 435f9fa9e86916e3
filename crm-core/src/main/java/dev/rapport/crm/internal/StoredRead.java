package dev.rapport.crm.internal;

import java.util.function.Supplier;

/**
 * Turns a body the store holds back into its aggregate without checking its values again.
 *
 * <p>Every value of a stored body was checked and put in canonical form when it was written (the command path
 * builds aggregates from checked values only), so the value types ({@code EmailAddress}, {@code PhoneNumber},
 * {@code TagPath}, {@code LocalizedText}, {@code PostalAddress}) skip their checks while {@link #read} maps on
 * this thread. That is most of the cost of a read (parsing an address again, libphonenumber, Unicode
 * normalisation), and it keeps a stored record readable when a rule has since become stricter (an update of
 * libphonenumber's metadata that no longer knows a number range, a tightened address rule): such a record is read
 * as it was written instead of failing every read and every page it is on.
 */
public final class StoredRead {
  private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

  private StoredRead() {}

  /** True while {@link #read} maps a stored body on this thread: values are taken as stored. */
  public static boolean active() {
    return ACTIVE.get() != null;
  }

  /** What {@code read} returns, the value types taking their values as stored while it runs on this thread. */
  public static <T> T read(Supplier<T> read) {
    if (active()) {
      return read.get();
    }
    ACTIVE.set(Boolean.TRUE);
    try {
      return read.get();
    } finally {
      ACTIVE.remove();
    }
  }
}
