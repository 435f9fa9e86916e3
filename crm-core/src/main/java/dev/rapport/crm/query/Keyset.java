package dev.rapport.crm.query;

import dev.rapport.crm.error.ValidationException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Keyset pagination expressed in the criteria model itself, so every adapter pages exactly by translating one more
 * criteria: "rows strictly after this cursor in this sort order", honouring the missing-values-first (ascending) /
 * missing-values-last (descending) rule of {@link Sort}.
 */
public final class Keyset {
  private Keyset() {}

  /** The criteria matching rows that come strictly after {@code cursor} under {@code sort}. */
  public static Criteria after(Sort sort, Cursor cursor) {
    List<Sort.Key> keys = sort.effectiveKeys();
    if (cursor.values().size() != keys.size()) {
      throw ValidationException.of("cursor", "cursor.mismatch", "the cursor was produced for another sort order");
    }
    return after(keys, cursor.values(), 0);
  }

  private static Criteria after(List<Sort.Key> keys, List<@Nullable Object> values, int i) {
    Sort.Key key = keys.get(i);
    Object v = values.get(i);
    String f = key.field();
    boolean last = i == keys.size() - 1;
    Criteria rest = last ? null : after(keys, values, i + 1);
    List<Criteria> any = new ArrayList<>();
    if (key.direction() == Sort.Direction.ASC) {
      if (v == null) {
        any.add(Criteria.exists(f));
        if (rest != null) {
          any.add(Criteria.and(Criteria.not(Criteria.exists(f)), rest));
        }
      } else {
        any.add(Criteria.gt(f, v));
        if (rest != null) {
          any.add(Criteria.and(Criteria.eq(f, v), rest));
        }
      }
    } else {
      if (v == null) {
        if (rest != null) {
          any.add(Criteria.and(Criteria.not(Criteria.exists(f)), rest));
        }
      } else {
        any.add(Criteria.lt(f, v));
        any.add(Criteria.not(Criteria.exists(f)));
        if (rest != null) {
          any.add(Criteria.and(Criteria.eq(f, v), rest));
        }
      }
    }
    return any.isEmpty() ? Criteria.none() : any.size() == 1 ? any.get(0) : Criteria.or(any);
  }
}
