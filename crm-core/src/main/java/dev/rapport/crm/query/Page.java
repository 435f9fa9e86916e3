package dev.rapport.crm.query;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/** One page of results and the opaque cursor for the next page (empty on the last page). */
public record Page<T>(List<T> items, @Nullable String nextCursor) {
  public Page {
    items = List.copyOf(items);
  }

  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }

  public boolean hasNext() {
    return nextCursor != null;
  }

  /**
   * Every item of every page, fetched lazily: {@code fetch} is called with {@code first} when the stream needs its
   * first item, and with the query {@linkplain Query#after after} each page's cursor when the previous page is used
   * up, until a page has no cursor. The services' {@code stream(actor, query)} is this over their {@code find};
   * use it over any other paged read, e.g. {@code Page.streamAll(query, q -> crm.customers().export(actor, q))}.
   *
   * <p>The stream holds no resource between pages (each page is a complete read), so it need not be closed, and
   * stopping early (with {@code limit} or {@code findFirst}) fetches no further page. Pages are read one after the
   * other as the stream is consumed, each seeing the data as it is then (keyset paging: a record whose sort key
   * changes meanwhile may be seen twice or not at all). The stream is sequential.
   */
  public static <T> Stream<T> streamAll(Query first, Function<Query, Page<T>> fetch) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(fetch, "fetch");
    Spliterator<T> items = new Spliterators.AbstractSpliterator<T>(Long.MAX_VALUE,
        Spliterator.ORDERED | Spliterator.NONNULL) {
      private @Nullable Query next = first;
      private Iterator<T> current = Collections.emptyIterator();

      @Override
      public boolean tryAdvance(Consumer<? super T> action) {
        while (!current.hasNext()) {
          Query q = next;
          if (q == null) {
            return false;
          }
          Page<T> page = fetch.apply(q);
          current = page.items().iterator();
          next = page.hasNext() ? q.after(page.nextCursor()) : null;
        }
        action.accept(current.next());
        return true;
      }
    };
    return StreamSupport.stream(items, false);
  }

  public <R> Page<R> map(Function<? super T, ? extends R> f) {
    return new Page<>(items.stream().<R>map(f).toList(), nextCursor);
  }
}
