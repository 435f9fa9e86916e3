package dev.rapport.crm.internal.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.approval.ApprovalGate;
import dev.rapport.crm.approval.GateDecision;
import dev.rapport.crm.approval.GateRequest;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one place every command travels through, in this order (ARCHITECTURE §2): authorize, validate, gate, apply,
 * persist (aggregate + audit records + outbox events in ONE kernel commit), publish.
 */
public final class CommandPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(CommandPipeline.class);

  private final Store store;
  private final AccessPolicy accessPolicy;
  private final AuditRecorder audit;
  private final ApprovalGate gate;
  private final Validator validator;
  private final Clock clock;
  private final Consumer<dev.rapport.crm.actor.TenantId> afterCommit;

  public CommandPipeline(Store store, AccessPolicy accessPolicy, AuditRecorder audit, ApprovalGate gate,
                         Validator validator, Clock clock, Consumer<dev.rapport.crm.actor.TenantId> afterCommit) {
    this.store = store;
    this.accessPolicy = accessPolicy;
    this.audit = audit;
    this.gate = gate;
    this.validator = validator;
    this.clock = clock;
    this.afterCommit = afterCommit;
  }

  public Clock clock() {
    return clock;
  }

  public Store store() {
    return store;
  }

  /**
   * A command on an aggregate.
   *
   * @param name the command's name for audit and gate ({@code customer.change-credit-limit})
   * @param payload the command object: validated with Bean Validation, recorded by the gate
   * @param id the aggregate's id, or null for a creation
   * @param expectedVersion the version the caller read, or null to act on the current version
   * @param apply the pure business step: current state (null for creation) → next state and events; throws
   *     {@link ValidationException} with every violation when the command breaks a domain rule
   */
  public record Command<A>(String name, Action action, Object payload, @Nullable String id,
                           @Nullable Long expectedVersion, @Nullable String reason,
                           Function<@Nullable A, Changed<A>> apply) {}

  /** The aggregate after the command, or the unchanged one when the command changed nothing. */
  public <A> A execute(Actor actor, AggregateType<A> type, Command<A> command) {
    String correlationId = Optional.ofNullable(MDC.get("correlationId")).orElseGet(() -> Ids.uuidV7(clock));
    MDC.put("tenant", actor.tenant().value());
    try {
      return run(actor, type, command, correlationId);
    } finally {
      MDC.remove("tenant");
    }
  }

  private <A> A run(Actor actor, AggregateType<A> type, Command<A> command, String correlationId) {
    // Load: the current state is what the policy's attribute conditions and the business step see.
    A current = null;
    if (command.id() != null) {
      Document doc = store.get(actor.tenant(), type.collection().name(), command.id())
          .orElseThrow(() -> new NotFoundException(type.resourceType() + " " + command.id() + " does not exist"));
      current = type.fromDocument(doc);
      if (command.expectedVersion() != null && command.expectedVersion() != type.version(current)) {
        throw new dev.rapport.crm.error.VersionConflictException(type.resourceType() + " " + command.id()
            + " is at version " + type.version(current) + ", not " + command.expectedVersion());
      }
    }
    ObjectNode before = current == null ? null : type.body(current);

    // 1. Authorize
    Decision decision = accessPolicy.check(actor, command.action(),
        new Resource(type.resourceType(), command.id(), before));
    if (!decision.allowed()) {
      recordDenied(actor, type, command, correlationId, decision, current);
      throw new AccessDeniedException(actor.userId() + " may not " + command.action().name().toLowerCase()
          + " " + type.resourceType() + (command.id() == null ? "" : " " + command.id()), decision.decidingRules());
    }

    // 2. Validate: Bean Validation on the command record, and the domain rules that run inside the pure business
    // step; the caller gets every violation of both at once.
    List<ValidationException.Violation> invalid = beanViolations(command.payload());
    // 4. Apply (pure) — computed before the gate so that the gate can judge the resulting state
    Changed<A> changed;
    try {
      changed = command.apply().apply(current);
    } catch (ValidationException e) {
      List<ValidationException.Violation> all = new ArrayList<>(invalid);
      e.violations().stream().filter(v -> !all.contains(v)).forEach(all::add);
      throw new ValidationException(all);
    } catch (RuntimeException e) {
      if (!invalid.isEmpty()) {
        throw new ValidationException(invalid); // the business step tripped over input Bean Validation rejected
      }
      throw e;
    }
    if (!invalid.isEmpty()) {
      throw new ValidationException(invalid);
    }
    if (changed.isEmpty()) {
      return current != null ? current : changed.next();
    }
    Instant now = clock.instant();
    long nextVersion = current == null ? 1 : type.version(current) + 1;
    A next = type.stamped(changed.next(), nextVersion, now, actor.userId());
    Document doc = type.toDocument(next);

    // 3. Gate (without a gate, the command's JSON form is not built at all)
    if (gate != ApprovalGate.none()) {
      GateDecision gated = gate.evaluate(new GateRequest(actor, command.name(), type.resourceType(), command.id(),
          before, doc.body(), Json.toTree(command.payload())));
      if (gated instanceof GateDecision.Park park) {
        throw new ApprovalPendingException(park.requestId(), park.reason());
      }
    }

    // 5. Persist: the aggregate, its audit records and its outbox events in one commit
    WriteBatch.Builder batch = WriteBatch.builder();
    if (current == null) {
      batch.insert(type.collection().name(), doc);
    } else {
      batch.update(type.collection().name(), doc);
    }
    audit.record(new AuditEntry(actor, now, command.action(), command.name(), type.resourceType(), doc.id(),
        nextVersion, before, doc.body(), command.reason(), correlationId, "APPLIED", decision.decidingRules()))
        .forEach(batch::append);
    for (DomainEvent e : changed.events()) {
      Event event = new Event(Ids.uuidV7(clock), e.type(), actor.tenant(), type.resourceType(), doc.id(),
          nextVersion, now, correlationId, e.data());
      batch.append(event.toAppend());
    }
    store.commit(actor.tenant(), batch.build());
    LOG.debug("{} {} {} v{} by {}", command.name(), type.resourceType(), doc.id(), nextVersion, actor.userId());

    // 6. Publish (after commit; failures here never undo the committed change)
    try {
      afterCommit.accept(actor.tenant());
    } catch (RuntimeException e) {
      LOG.warn("publishing after commit failed; the relay will retry: {}", e.toString());
    }
    return next;
  }

  private <A> void recordDenied(Actor actor, AggregateType<A> type, Command<A> command, String correlationId,
                                Decision decision, @Nullable A current) {
    List<WriteBatch.Append> records = audit.record(new AuditEntry(actor, clock.instant(), command.action(),
        command.name(), type.resourceType(), command.id(), current == null ? 0 : type.version(current), null, null,
        command.reason(), correlationId, "DENIED", decision.decidingRules()));
    if (!records.isEmpty()) {
      WriteBatch.Builder batch = WriteBatch.builder();
      records.forEach(batch::append);
      store.commit(actor.tenant(), batch.build());
    }
  }

  /** Bean Validation of a command: every violation at once, with its property path. */
  public void validate(Object payload) {
    List<ValidationException.Violation> list = beanViolations(payload);
    if (!list.isEmpty()) {
      throw new ValidationException(list);
    }
  }

  private List<ValidationException.Violation> beanViolations(Object payload) {
    Set<ConstraintViolation<Object>> violations = validator.validate(payload);
    List<ValidationException.Violation> list = new ArrayList<>();
    for (ConstraintViolation<Object> v : violations) {
      String rule = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
      list.add(new ValidationException.Violation(path(v), rule, v.getMessage()));
    }
    list.sort(Comparator.comparing(ValidationException.Violation::path));
    return list;
  }

  /** Hibernate Validator writes map keys as {@code consents<K>[x]}; callers read {@code consents[x]}. */
  private static String path(ConstraintViolation<Object> v) {
    return v.getPropertyPath().toString().replace("<K>", "").replace("<map value>", "").replace("<list element>", "");
  }
}
