package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code Store#purge}: records deleted by position for retention vanish from {@code read}, the others keep their
 * positions and content, and no position is ever handed out again; positions of no record of the stream in the
 * tenant are ignored, so the count says what was deleted; the change feed is untouched; bad arguments fail as
 * {@code StoreChecks#checkPurge} says.
 */
public abstract class StreamPurgeContract extends KernelContract {
  /** Another stream of the tenant. */
  protected static final String AUDIT = "audit";

  /** Appends {@code e1..e<n>} to {@link #EVENTS}, two per commit, and returns the stream as read. */
  private List<StreamRecord> appendEvents(int n) {
    for (int i = 1; i <= n; i += 2) {
      WriteBatch.Builder b = WriteBatch.builder().append(EVENTS, "e" + i, "t" + i, json().put("n", i));
      if (i + 1 <= n) {
        b.append(EVENTS, "e" + (i + 1), "t" + (i + 1), json().put("n", i + 1).put("text", "payload " + (i + 1)));
      }
      commit(b);
    }
    List<StreamRecord> events = allRecords(tenant, EVENTS);
    assertThat(events).hasSize(n);
    return events;
  }

  private static List<Long> positions(List<StreamRecord> records, int... indexes) {
    return Arrays.stream(indexes).mapToObj(i -> records.get(i).position()).toList();
  }

  @Test
  void purgedRecordsVanishAndTheOthersKeepTheirPositionsAndPayloads() {
    insert(thing("a").build());
    List<StreamRecord> events = appendEvents(6);
    List<Change> feed = allChanges(tenant);

    assertThat(store.purge(tenant, EVENTS, positions(events, 1, 2, 4))).isEqualTo(3);

    assertThat(allRecords(tenant, EVENTS)).containsExactly(events.get(0), events.get(3), events.get(5));
    assertThat(allChanges(tenant)).as("a purge is not a document write").isEqualTo(feed);
    assertThat(store.get(tenant, THINGS, "a")).isPresent();
  }

  @Test
  void readingAfterAPositionInsideAPurgedRunReturnsTheRest() {
    List<StreamRecord> events = appendEvents(6);

    assertThat(store.purge(tenant, EVENTS, positions(events, 1, 2, 3))).isEqualTo(3);

    assertThat(store.read(tenant, EVENTS, events.get(2).position(), 100)).containsExactly(events.get(4),
        events.get(5));
    assertThat(store.read(tenant, EVENTS, events.get(1).position(), 1)).containsExactly(events.get(4));
    assertThat(store.read(tenant, EVENTS, events.get(0).position(), 2)).containsExactly(events.get(4),
        events.get(5));
    assertThat(store.read(tenant, EVENTS, 0, 2)).containsExactly(events.get(0), events.get(4));
    assertThat(store.read(tenant, EVENTS, events.get(5).position(), 100)).isEmpty();
  }

  @Test
  void unknownPositionsAndOtherStreamsPositionsAreIgnored() {
    List<StreamRecord> events = appendEvents(3);
    for (int i = 1; i <= 6; i++) {
      commit(WriteBatch.builder().append(AUDIT, "a" + i, "t", json()));
    }
    List<StreamRecord> audit = allRecords(tenant, AUDIT);
    // positions of the other stream that are no position of this one (stores may number streams alike)
    List<Long> otherStreams = notAmong(audit, events);
    assertThat(otherStreams).isNotEmpty();
    long beyond = events.get(2).position() + audit.get(5).position() + 1_000;

    List<Long> asked = new ArrayList<>(otherStreams);
    asked.addAll(List.of(beyond, events.get(1).position(), events.get(1).position()));
    assertThat(store.purge(tenant, EVENTS, asked)).as("only e2, named twice, was there").isEqualTo(1);
    assertThat(store.purge(tenant, EVENTS, List.of(events.get(1).position()))).as("already purged").isZero();
    assertThat(store.purge(tenant, "nosuchstream", positions(events, 0, 2))).isZero();

    assertThat(allRecords(tenant, EVENTS)).containsExactly(events.get(0), events.get(2));
    assertThat(allRecords(tenant, AUDIT)).isEqualTo(audit);
  }

  @Test
  void anotherTenantsRecordsAreUntouched() {
    TenantId other = freshTenant();
    for (int i = 1; i <= 4; i++) {
      store.commit(other, WriteBatch.builder().append(EVENTS, "e" + i, "theirs", json().put("n", i)).build());
    }
    List<StreamRecord> theirs = allRecords(other, EVENTS);
    List<StreamRecord> mine = appendEvents(2);

    List<Long> everyPosition = new ArrayList<>(positions(theirs, 0, 1, 2, 3));
    everyPosition.addAll(positions(mine, 0, 1));
    assertThat(store.purge(tenant, EVENTS, everyPosition)).as("my two records only").isEqualTo(2);

    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    assertThat(allRecords(other, EVENTS)).isEqualTo(theirs);
    assertThat(store.purge(other, EVENTS, positions(theirs, 3))).isEqualTo(1);
    assertThat(allRecords(other, EVENTS)).isEqualTo(theirs.subList(0, 3));
  }

  @Test
  void purgingTheNewestRecordNeverLetsItsPositionBeTakenAgain() {
    List<StreamRecord> events = appendEvents(2);
    long newest = events.get(1).position();

    assertThat(store.purge(tenant, EVENTS, List.of(newest))).isEqualTo(1);
    StreamRecord e3 = commit(WriteBatch.builder().append(EVENTS, "e3", "t", json())).records().get(0);
    assertThat(e3.position()).isGreaterThan(newest);

    // the whole stream purged: the next append still goes past every position it had
    assertThat(store.purge(tenant, EVENTS, List.of(events.get(0).position(), e3.position()))).isEqualTo(2);
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    StreamRecord e4 = commit(WriteBatch.builder().append(EVENTS, "e4", "t", json())).records().get(0);
    assertThat(e4.position()).isGreaterThan(e3.position());

    // a purged record's id is free again: appended again, it is a new record at a new position
    StreamRecord again = commit(WriteBatch.builder().append(EVENTS, "e2", "again", json())).records().get(0);
    assertThat(again.position()).isGreaterThan(e4.position());
    assertThat(allRecords(tenant, EVENTS)).containsExactly(e4, again);
  }

  @Test
  void anEmptyListPurgesNothing() {
    List<StreamRecord> events = appendEvents(2);

    assertThat(store.purge(tenant, EVENTS, List.of())).isZero();
    assertThat(store.purge(freshTenant(), EVENTS, List.of())).isZero();
    assertThat(store.purge(freshTenant(), EVENTS, positions(events, 0, 1))).isZero();
    assertThat(allRecords(tenant, EVENTS)).isEqualTo(events);
  }

  @Test
  void theMostPositionsOneCallMayNameArePurgedTogether() {
    List<StreamRecord> events = appendEvents(3);
    // as many positions as a call may name, most of them of no record: every store deletes the three it holds
    long from = events.get(2).position() + 1;
    List<Long> positions = new ArrayList<>(LongStream.range(from, from + StoreChecks.MAX_PURGE_POSITIONS - 3)
        .boxed().toList());
    positions.addAll(positions(events, 2, 0, 1));

    assertThat(store.purge(tenant, EVENTS, positions)).isEqualTo(3);
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
  }

  @Test
  void badArgumentsAreRejectedAndNothingIsPurged() {
    List<StreamRecord> events = appendEvents(2);
    List<Long> valid = positions(events, 0);

    assertThatThrownBy(() -> store.purge(null, EVENTS, valid)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.purge(tenant, null, valid)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.purge(tenant, EVENTS, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.purge(tenant, EVENTS, Arrays.asList(valid.get(0), null)))
        .isInstanceOf(NullPointerException.class);
    rejected(() -> store.purge(tenant, "no spaces", valid), v -> {
      assertThat(v.path()).isEqualTo("stream");
      assertThat(v.rule()).isEqualTo("stream.name");
    });
    for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
      rejected(() -> store.purge(tenant, EVENTS, List.of(valid.get(0), bad)), v -> {
        assertThat(v.path()).isEqualTo("positions");
        assertThat(v.rule()).isEqualTo("position.range");
      });
    }
    List<Long> tooMany = LongStream.rangeClosed(1, StoreChecks.MAX_PURGE_POSITIONS + 1).boxed().toList();
    rejected(() -> store.purge(tenant, EVENTS, tooMany), v -> {
      assertThat(v.path()).isEqualTo("positions");
      assertThat(v.rule()).isEqualTo("positions.size");
    });

    assertThat(allRecords(tenant, EVENTS)).isEqualTo(events);
  }

  /** The positions of {@code records} that are no position of {@code others}. */
  private static List<Long> notAmong(List<StreamRecord> records, List<StreamRecord> others) {
    List<Long> taken = others.stream().map(StreamRecord::position).toList();
    return records.stream().map(StreamRecord::position).filter(p -> !taken.contains(p)).toList();
  }

  /** {@code call} fails with one violation, which {@code violation} checks. */
  private static void rejected(Executable call, Consumer<ValidationException.Violation> violation) {
    assertThatThrownBy(call::execute).isInstanceOfSatisfying(ValidationException.class, e -> {
      assertThat(e.violations()).hasSize(1);
      violation.accept(e.violations().get(0));
    });
  }
}
