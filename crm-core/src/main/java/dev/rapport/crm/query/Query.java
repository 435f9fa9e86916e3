package dev.rapport.crm.query;

import dev.rapport.crm.error.ValidationException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A page request: filter, order, page size and the cursor returned with the previous page ({@code null} for the
 * first page). A cursor is only valid with the same criteria and sort it was produced for.
 */
public record Query(Criteria criteria, Sort sort, int limit, @Nullable String cursor) {
  public static final int MAX_LIMIT = 1000;

  public Query {
    Objects.requireNonNull(criteria, "criteria");
    Objects.requireNonNull(sort, "sort");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "limit.range", "limit must be between 1 and " + MAX_LIMIT);
    }
  }

  public static Query of(Criteria criteria, Sort sort, int limit) {
    return new Query(criteria, sort, limit, null);
  }

  public Query after(@Nullable String nextCursor) {
    return new Query(criteria, sort, limit, nextCursor);
  }
}
