package dev.rapport.crm.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/** What a commit wrote: the change-feed entries of its document writes and its stream records, with positions. */
public record Committed(List<Change> changes, List<StreamRecord> records) {
  public Committed {
    changes = List.copyOf(changes);
    records = List.copyOf(records);
  }

  /**
   * What committing {@code batch} at {@code at} wrote, in batch order, for a store that knows the positions once it
   * has written: write {@code i} got change position {@code changePosition(i)}, append {@code j} record position
   * {@code recordPosition(j)}. Payloads are copies of the batch's, as every store returns them: the caller may go on
   * changing its batch.
   */
  public static Committed of(WriteBatch batch, Instant at, IntToLongFunction changePosition,
      IntToLongFunction recordPosition) {
    List<Change> changes = new ArrayList<>(batch.writes().size());
    for (int i = 0; i < batch.writes().size(); i++) {
      WriteBatch.Write w = batch.writes().get(i);
      changes.add(new Change(changePosition.applyAsLong(i), w.collection(), w.id(), w.version(), w.kind(), at));
    }
    List<StreamRecord> records = new ArrayList<>(batch.appends().size());
    for (int j = 0; j < batch.appends().size(); j++) {
      WriteBatch.Append a = batch.appends().get(j);
      records.add(new StreamRecord(a.stream(), recordPosition.applyAsLong(j), a.id(), a.type(), a.payload().deepCopy(),
          at));
    }
    return new Committed(changes, records);
  }
}
