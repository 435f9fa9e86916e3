package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.rapport.crm.error.CapabilityUnsupportedException;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.WriteBatch;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Capabilities: a store declares exactly what it supports, and refuses what it does not support loudly
 * ({@link CapabilityUnsupportedException}) without writing anything, never degrading silently.
 */
public abstract class CapabilityContract extends KernelContract {

  @Test
  void capabilitiesAreStableAndAgreeWithSupports() {
    assertThat(store.capabilities()).isEqualTo(store.capabilities());
    for (Capability c : Capability.values()) {
      assertThat(store.supports(c)).as("supports(%s)", c).isEqualTo(store.capabilities().contains(c));
    }
    assertThat(createStore(clock).capabilities()).as("a second store of the same kind").isEqualTo(store.capabilities());
  }

  @Test
  void capabilitiesCannotBeChangedByCallers() {
    EnumSet<Capability> before = EnumSet.noneOf(Capability.class);
    before.addAll(store.capabilities());
    try {
      store.capabilities().clear();
    } catch (UnsupportedOperationException expected) {
      // the usual answer; a defensive copy would be fine too
    }
    assertThat(store.capabilities()).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void withoutMultiDocumentTransactionsATwoDocumentBatchIsRefusedAndWritesNothing() {
    assumeFalse(supportsMultiDocument(), "store declares MULTI_DOCUMENT_TRANSACTIONS");

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .insert(THINGS, thing("b").build())
        .append(EVENTS, "e1", "t", json())))
        .isInstanceOf(CapabilityUnsupportedException.class);
    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
    assertThat(store.get(tenant, THINGS, "b")).isEmpty();
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
    assertThat(allChanges(tenant)).isEmpty();
  }

  @Test
  void withMultiDocumentTransactionsATwoDocumentBatchCommits() {
    assumeMultiDocumentTransactions();

    Committed c = commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .insert(THINGS, thing("b").build()));
    assertThat(c.changes()).hasSize(2);
    assertThat(store.get(tenant, THINGS, "b")).isPresent();
  }

  @Test
  void everyStoreCommitsOneDocumentWithAppendsOrAppendsAlone() {
    Committed one = commit(WriteBatch.builder()
        .insert(THINGS, thing("a").build())
        .append(EVENTS, "e1", "t", json())
        .append(EVENTS, "e2", "t", json()));
    Committed appendsOnly = commit(WriteBatch.builder().append(EVENTS, "e3", "t", json()));

    assertThat(one.changes()).hasSize(1);
    assertThat(one.records()).hasSize(2);
    assertThat(appendsOnly.changes()).isEmpty();
    assertThat(allRecords(tenant, EVENTS)).hasSize(3);
  }
}
