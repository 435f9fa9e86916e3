package dev.rapport.crm.store;

import java.util.List;

/** What a commit wrote: the change-feed entries of its document writes and its stream records, with positions. */
public record Committed(List<Change> changes, List<StreamRecord> records) {
  public Committed {
    changes = List.copyOf(changes);
    records = List.copyOf(records);
  }
}
