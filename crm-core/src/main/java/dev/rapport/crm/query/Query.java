package dev.rapport.crm.query;

import dev.rapport.crm.error.ValidationException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A page request: filter, order, page size, the cursor returned with the previous page ({@code null} for the first
 * page) and which soft-deleted records to take ({@link Deleted#EXCLUDED} unless {@link #includingDeleted()} or
 * {@link #onlyDeleted()} says otherwise). A cursor is only valid with the same criteria and sort it was produced
 * for.
 *
 * <pre>{@code
 * Query.of(Criteria.eq(CustomerFields.REGION, "EU"), Sort.byId(), 100)                     // live customers
 * Query.of(Criteria.eq(CustomerFields.REGION, "EU"), Sort.byId(), 100).includingDeleted()  // all of them
 * Query.of(Criteria.all(), Sort.byId(), 100).onlyDeleted()                                // the recycle bin
 * }</pre>
 *
 * <p>A store given a query (the storage SPI) reads only criteria, sort, limit and cursor: the services turn the
 * {@link Deleted} choice into criteria before a store sees it.
 */
public record Query(Criteria criteria, Sort sort, int limit, @Nullable String cursor, Deleted deleted) {
  public static final int MAX_LIMIT = 1000;

  public Query {
    Objects.requireNonNull(criteria, "criteria");
    Objects.requireNonNull(sort, "sort");
    Objects.requireNonNull(deleted, "deleted");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "limit.range", "limit must be between 1 and " + MAX_LIMIT);
    }
  }

  /** A query taking live records only ({@link Deleted#EXCLUDED}). */
  public Query(Criteria criteria, Sort sort, int limit, @Nullable String cursor) {
    this(criteria, sort, limit, cursor, Deleted.EXCLUDED);
  }

  /** The first page of live records matching {@code criteria}. */
  public static Query of(Criteria criteria, Sort sort, int limit) {
    return new Query(criteria, sort, limit, null);
  }

  /** The same query from {@code nextCursor} on (a page's {@link Page#nextCursor()}). */
  public Query after(@Nullable String nextCursor) {
    return new Query(criteria, sort, limit, nextCursor, deleted);
  }

  /** The same query taking soft-deleted records too. */
  public Query includingDeleted() {
    return deleted(Deleted.INCLUDED);
  }

  /** The same query taking soft-deleted records only. */
  public Query onlyDeleted() {
    return deleted(Deleted.ONLY);
  }

  /** The same query with the given choice of soft-deleted records. */
  public Query deleted(Deleted value) {
    return new Query(criteria, sort, limit, cursor, value);
  }
}
