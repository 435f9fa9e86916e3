package dev.rapport.crm.store;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Cursor;
import dev.rapport.crm.query.Keyset;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@link Store#query} in two calls every store shares, so that pages and cursors are the same whatever the store:
 *
 * <pre>{@code
 * Criteria filter = KeysetPaging.criteria(spec, query);      // checked; the cursor's keyset condition included
 * List<Document> fetched = ...;                              // matching filter, in query.sort().effectiveKeys()
 *                                                            // order, at most query.limit() + 1 of them
 * return KeysetPaging.page(fetched, query);
 * }</pre>
 */
public final class KeysetPaging {
  private KeysetPaging() {}

  /**
   * The criteria a store runs for one page: the query's criteria and sort checked against {@code spec}
   * ({@link CollectionSpec#check}), and, after a cursor, the condition "strictly after the cursor"
   * ({@link Keyset#after}). A cursor this query cannot have produced (a tampered or foreign one, or one of another
   * sort) fails with {@code cursor.invalid}.
   */
  public static Criteria criteria(CollectionSpec spec, Query query) {
    spec.check(query.criteria());
    spec.check(query.sort());
    if (query.cursor() == null) {
      return query.criteria();
    }
    Cursor cursor = Cursor.decode(query.cursor());
    checkCursor(spec, query.sort().effectiveKeys(), cursor);
    return Criteria.and(query.criteria(), Keyset.after(query.sort(), cursor));
  }

  /**
   * Checked by type rather than with {@link CollectionSpec#check(Criteria)}: a keyset on a boolean sort key compares
   * booleans. Only the id, the last key, is never missing.
   */
  private static void checkCursor(CollectionSpec spec, List<Sort.Key> keys, Cursor cursor) {
    boolean ok = cursor.values().size() == keys.size();
    for (int i = 0; ok && i < keys.size(); i++) {
      Object v = cursor.values().get(i);
      String field = keys.get(i).field();
      ok = v == null ? !field.equals(Sort.ID) : spec.typeOf(field).orElseThrow().accepts(v);
    }
    if (!ok) {
      throw ValidationException.of("cursor", "cursor.invalid", "the cursor is not one this query produced");
    }
  }

  /**
   * The page of {@code fetched}, the documents matching {@link #criteria} in sort order (at least the first
   * {@code query.limit() + 1} of them, or all): the first {@code limit}, and a cursor after the last of them when
   * more were fetched.
   */
  public static Page<Document> page(List<Document> fetched, Query query) {
    if (fetched.size() <= query.limit()) {
      return new Page<>(fetched, null);
    }
    List<Document> items = fetched.subList(0, query.limit());
    Document last = items.get(items.size() - 1);
    List<Sort.Key> keys = query.sort().effectiveKeys();
    List<@Nullable Object> values = new ArrayList<>(keys.size());
    for (Sort.Key k : keys) {
      List<Object> vs = last.values(k.field());
      values.add(vs.isEmpty() ? null : vs.get(0));
    }
    return new Page<>(items, new Cursor(values).encode());
  }
}
