package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The retention periods per record kind, and {@link AuditTrail#purgeExpired}'s work once the sealer's lease is held:
 * walks the chain's blocks for sealed records past their period and purges them with their index entries.
 */
final class Retainer {
  /** Record kind → how long its records are kept; kinds not named are kept for good. */
  private final Map<String, Duration> periods;
  private final int blockSize;
  private final Duration leaseTtl;

  Retainer(Map<String, Duration> periods, int blockSize, Duration leaseTtl) {
    this.periods = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(periods));
    this.blockSize = blockSize;
    this.leaseTtl = leaseTtl;
  }

  /** Record kind → retention period, in kind order; empty when every record is kept for good. */
  Map<String, Duration> periods() {
    return periods;
  }

  /** Whether a record of {@code kind} written at {@code at} is past its retention at {@code now}. */
  boolean expired(String kind, String at, Instant now) {
    Duration keep = periods.get(kind);
    if (keep == null) {
      return false;
    }
    try {
      return !Instant.parse(at).plus(keep).isAfter(now);
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /**
   * What one pass purged: whether the lease stayed held, the records purged (per kind), and the last block up to
   * which nothing will need purging again.
   */
  record Purged(boolean leaseHeld, long purged, Map<String, Long> byKind, long through) {}

  /**
   * Purges the sealed records past their period in the blocks after block {@code from}, renewing the sealer's lease
   * (held by the caller) every {@link StoreChecks#MAX_PURGE_POSITIONS} positions.
   */
  Purged purge(ModuleContext c, Store store, TenantId tenant, long from) {
    Instant now = c.clock().instant();
    Duration shortest = Collections.min(periods.values());
    Map<String, Long> byKind = new TreeMap<>();
    Map<String, List<Long>> due = new TreeMap<>();
    int dueCount = 0;
    long purged = 0;
    long through = from;
    boolean allDueSoFar = true;
    for (Iterator<Chain.Block> it = Chain.blocks(store, tenant, from); it.hasNext(); ) {
      Chain.Block b = it.next();
      boolean allDue = true;
      for (int i = 0; i < b.positions().length; i++) {
        if (expired(b.kinds()[i], b.ats()[i], now)) {
          due.computeIfAbsent(b.kinds()[i], k -> new ArrayList<>()).add(b.positions()[i]);
          dueCount++;
        } else if (periods.containsKey(b.kinds()[i])) {
          allDue = false;
        }
      }
      if (dueCount >= StoreChecks.MAX_PURGE_POSITIONS - blockSize) {
        purged += purge(store, tenant, due, byKind);
        due.clear();
        dueCount = 0;
        if (store.tryAcquire(tenant, AuditTrail.LEASE, c.nodeId(), leaseTtl).isEmpty()) {
          return new Purged(false, purged, byKind, through);
        }
      }
      allDueSoFar &= allDue;
      if (allDueSoFar) {
        through = b.seq();   // nothing in the chain up to here will need purging again
      }
      if (newest(b.ats()).plus(shortest).isAfter(now)) {
        break;   // the chain's records only get newer from here: none is due yet
      }
    }
    purged += purge(store, tenant, due, byKind);
    return new Purged(true, purged, byKind, through);
  }

  private static Instant newest(String[] ats) {
    Instant newest = Instant.MIN;
    for (String at : ats) {
      try {
        Instant i = Instant.parse(at);
        newest = i.isAfter(newest) ? i : newest;
      } catch (java.time.format.DateTimeParseException e) {
        // not a time: ignored here, verify() reports the record
      }
    }
    return newest;
  }

  /**
   * Purges the records at the positions of each kind, then their index entries; adds to {@code counts} how many
   * records of each kind went (positions purged before count nothing) and returns the total.
   */
  private static long purge(Store store, TenantId tenant, Map<String, List<Long>> byKind, Map<String, Long> counts) {
    long total = 0;
    for (Map.Entry<String, List<Long>> e : byKind.entrySet()) {
      long n = purge(store, tenant, e.getValue());
      if (n > 0) {
        counts.merge(e.getKey(), n, Long::sum);
      }
      total += n;
    }
    return total;
  }

  private static long purge(Store store, TenantId tenant, List<Long> positions) {
    if (positions.isEmpty()) {
      return 0;
    }
    long n = store.purge(tenant, AuditTrail.STREAM, positions);
    // the index after the records: an entry left by a crash in between points at no record, which history skips
    List<Object> keys = new ArrayList<>(positions);
    for (int from = 0; from < keys.size(); from += AuditTrail.READ_BATCH) {
      List<Object> some = keys.subList(from, Math.min(keys.size(), from + AuditTrail.READ_BATCH));
      List<Document> entries = store.query(tenant, AuditTrail.INDEX, Query.of(Criteria.in("pos", some),
          Sort.asc("pos"), some.size())).items();
      if (entries.isEmpty()) {
        continue;
      }
      if (store.supports(Capability.MULTI_DOCUMENT_TRANSACTIONS)) {
        WriteBatch.Builder batch = WriteBatch.builder();
        entries.forEach(e -> batch.delete(AuditTrail.INDEX, e.id(), e.version()));
        store.commit(tenant, batch.build());
      } else {
        for (Document e : entries) {
          try {
            store.commit(tenant, WriteBatch.builder().delete(AuditTrail.INDEX, e.id(), e.version()).build());
          } catch (VersionConflictException gone) {
            // deleted meanwhile
          }
        }
      }
    }
    return n;
  }
}
