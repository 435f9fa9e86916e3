package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Requests opened as records of the stream {@link Workflow#OPENED} (stores without multi-document transactions),
 * and their copying into {@link Workflow#REQUESTS}, in stream order, once, from any node.
 */
final class OpenedRequests {
  private OpenedRequests() {}

  static long copiedUpTo(Store store, TenantId tenant) {
    return store.get(tenant, Workflow.CURSORS, Workflow.OPENED).map(d -> d.body().path("position").asLong()).orElse(0L);
  }

  static List<StreamRecord> notCopied(Store store, TenantId tenant) {
    List<StreamRecord> out = new ArrayList<>();
    long after = copiedUpTo(store, tenant);
    while (true) {
      List<StreamRecord> page = store.read(tenant, Workflow.OPENED, after, Query.MAX_LIMIT);
      out.addAll(page);
      if (page.size() < Query.MAX_LIMIT) {
        return out;
      }
      after = page.get(page.size() - 1).position();
    }
  }

  /**
   * Copies opened requests into the request collection, in stream order, each once (an insert of an id that exists
   * changes nothing), then moves the tenant's cursor. Two requests opened for one record by commands that passed
   * the gate at the same moment: the later one is copied as {@code REJECTED}, as the lock would have refused it.
   */
  static void catchUp(ModuleContext c, TenantId tenant) {
    Store store = c.store();
    Optional<Document> cursor = store.get(tenant, Workflow.CURSORS, Workflow.OPENED);
    long after = cursor.map(d -> d.body().path("position").asLong()).orElse(0L);
    List<StreamRecord> page = store.read(tenant, Workflow.OPENED, after, Query.MAX_LIMIT);
    if (page.isEmpty()) {
      return;
    }
    for (StreamRecord opened : page) {
      Req r = new Req(opened.id(), 0, opened.payload().deepCopy());
      try {
        store.commit(tenant, WriteBatch.builder().insert(Workflow.REQUESTS, r.document(1)).build());
      } catch (dev.rapport.crm.error.DuplicateKeyException e) {
        if (e.field().equals("lock")) {
          Instant at = opened.recordedAt();
          ObjectNode step = r.currentStep();
          if (step != null) {
            Req.closeStep(step, "REJECTED", at);
          }
          Req.close(r, RequestState.REJECTED, at);
          r.body.put("closeReason", r.resourceKey() + " was locked by another request opened at the same time");
          try {
            store.commit(tenant, WriteBatch.builder().insert(Workflow.REQUESTS, r.document(1))
                .append(Events.event(c, "approval.decided", r, 1, at, Events.decided(r))).build());
          } catch (dev.rapport.crm.error.DuplicateKeyException copied) {
            // another node copied it meanwhile
          }
        }
      }
    }
    long position = page.get(page.size() - 1).position();
    ObjectNode body = Req.F.objectNode().put("position", position);
    try {
      store.commit(tenant, WriteBatch.builder().write(cursor.isEmpty()
          ? new WriteBatch.Insert(Workflow.CURSORS, new Document(Workflow.OPENED, 1, body, Map.of()))
          : new WriteBatch.Update(Workflow.CURSORS, new Document(Workflow.OPENED, cursor.get().version() + 1, body, Map.of())))
          .build());
    } catch (VersionConflictException | dev.rapport.crm.error.DuplicateKeyException e) {
      return; // another node moved it
    }
    if (page.size() == Query.MAX_LIMIT) {
      catchUp(c, tenant);
    }
  }
}
