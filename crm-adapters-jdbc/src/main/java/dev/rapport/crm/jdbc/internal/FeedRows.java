package dev.rapport.crm.jdbc.internal;

import dev.rapport.crm.store.Change;
import java.time.Instant;
import java.util.List;

/**
 * What one commit adds to the change feed and the streams, before positions are known: the counters to advance (in
 * name order, the order their rows are locked in), the change rows and the stream records. A row's position is its
 * counter's new value minus {@code back}, so positions can be computed by the database in the same statement that
 * advances the counter (see {@link Dialect#reserveAndAppend}) or by the store after a separate counter update.
 */
public record FeedRows(String tenant, Instant now, List<Counter> counters, List<ChangeRow> changes,
    List<RecordRow> records) {

  /** The change feed's counter. */
  public static final String CHANGES = "c";
  /** The prefix of a stream's counter name; the stream's name follows it. */
  public static final String STREAM_PREFIX = "s:";

  /** The counter of {@code stream}. */
  public static String streamCounter(String stream) {
    return STREAM_PREFIX + stream;
  }

  public FeedRows {
    counters = List.copyOf(counters);
    changes = List.copyOf(changes);
    records = List.copyOf(records);
  }

  /** Counter {@code name} advances by {@code count}. */
  public record Counter(String name, int count) {}

  /** One change-feed row; {@code counter} is the change feed's counter name. */
  public record ChangeRow(String counter, String collection, String docId, long version, Change.Kind kind,
      long back) {}

  /** One stream record; {@code payload} is JSON text. */
  public record RecordRow(String counter, String stream, String id, String type, String payload, long back) {}
}
