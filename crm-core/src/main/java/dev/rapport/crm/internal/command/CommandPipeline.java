package dev.rapport.crm.internal.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.FieldCatalog;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.approval.Approval;
import dev.rapport.crm.approval.ApprovalGate;
import dev.rapport.crm.approval.GateDecision;
import dev.rapport.crm.approval.GateRequest;
import dev.rapport.crm.approval.ParkedCommand;
import dev.rapport.crm.approval.ParkedCommands;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.error.ApprovalRejectedException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.recording.Outcome;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.WriteBatch;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one place every command travels through (ARCHITECTURE §2): authorize, load, validate, apply, authorize the
 * result, gate, persist (aggregate + audit records + outbox events in ONE kernel commit), publish. Reads go through
 * {@link Reads}, which shares the visibility rule: a record the actor may not see answers exactly like one that
 * does not exist.
 *
 * <p>It is also the registry of command definitions by name, which is what lets a parked command be resumed on any
 * node ({@link ParkedCommands}).
 */
public final class CommandPipeline implements ParkedCommands {
  /**
   * Core's collection of parked commands: one document per approval request (id = request id), written in the
   * commit that parks the command and marked as run in the commit that runs it, which makes resumption idempotent.
   */
  private static final String PARKED_STATUS = "status";
  public static final CollectionSpec PARKED = CollectionSpec.of(ParkedCommands.COLLECTION,
      IndexSpec.single(PARKED_STATUS, IndexType.STRING));

  /**
   * On stores without multi-document transactions, the commit that runs a parked command appends a record with the
   * request's id to this stream instead of updating the parked command's document (a second document): stream record
   * ids are unique, so a second run's commit fails as a whole. The parked document is marked as run afterwards.
   */
  public static final String RUNS = "parked_runs";

  private static final Logger LOG = LoggerFactory.getLogger(CommandPipeline.class);

  private final Store store;
  private final AccessPolicy policy;
  private final AuditRecorder audit;
  private final ApprovalGate gate;
  private final Validator validator;
  private final Clock clock;
  private final Consumer<TenantId> afterCommit;
  private final Visibility visibility;
  private final boolean bidiControlsInFreeText;
  private final Map<String, CollectionSpec> collections;
  private final Map<String, CommandDefinition<?, ?>> definitions = new ConcurrentHashMap<>();

  /**
   * The collection as registered with the store (with the host's index set), for {@code declared} as the domain
   * declares it.
   */
  public CollectionSpec collection(CollectionSpec declared) {
    return collections.getOrDefault(declared.name(), declared);
  }

  public CommandPipeline(Store store, AccessPolicy policy, AuditRecorder audit, ApprovalGate gate,
                         Validator validator, Clock clock, Consumer<TenantId> afterCommit,
                         boolean bidiControlsInFreeText, Map<String, CollectionSpec> collections) {
    this.bidiControlsInFreeText = bidiControlsInFreeText;
    this.collections = Map.copyOf(collections);
    this.store = store;
    this.policy = policy;
    this.audit = audit;
    this.gate = gate;
    this.validator = validator;
    this.clock = clock;
    this.afterCommit = afterCommit;
    this.visibility = new Visibility(store, policy, this::collection);
  }

  public Clock clock() {
    return clock;
  }

  /** The Bean Validation every command input goes through. */
  public Validator validator() {
    return validator;
  }

  /** Registers a command by its name, once; the services do this while the {@code Crm} is built. */
  public <P, A> CommandDefinition<P, A> register(CommandDefinition<P, A> definition) {
    if (definitions.putIfAbsent(definition.name(), definition) != null) {
      throw new IllegalStateException("a command named " + definition.name() + " is registered already");
    }
    return definition;
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(definitions.keySet()));
  }

  /**
   * Runs a command and returns the aggregate after it (as the actor may see it), or the unchanged aggregate when
   * the command changed nothing.
   *
   * @param id the record the command acts on; for a creation, the id the new record gets
   * @param expectedVersion the version the caller read, or null to act on the current version
   */
  public <P, A> A execute(Actor actor, CommandDefinition<P, A> definition, String id, @Nullable Long expectedVersion,
                          P payload) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(payload, "payload");
    if (!definitions.containsKey(definition.name())) {
      throw new IllegalStateException("command " + definition.name() + " was not registered");
    }
    TextRules.require("id", id);
    return withMdc(actor, () -> run(actor, definition, id, expectedVersion, payload, null, correlationId())).result;
  }

  @Override
  public Optional<ParkedCommand> find(TenantId tenant, String requestId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(requestId, "requestId");
    return store.get(tenant, PARKED.name(), requestId).map(CommandPipeline::parkedCommand);
  }

  @Override
  public Resumed resume(TenantId tenant, Approval approval) {
    return resume(tenant, approval, (outcome, batch) -> { });
  }

  @Override
  public Resumed resume(TenantId tenant, Approval approval, Alongside alongside) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(approval, "approval");
    Objects.requireNonNull(alongside, "alongside");
    Document parked = store.get(tenant, PARKED.name(), approval.requestId()).orElseThrow(() ->
        new NotFoundException("no command is parked under approval request " + approval.requestId()));
    ParkedCommand command = parkedCommand(parked);
    if (hasRun(parked)) {
      return alreadyRun(parked, command);
    }
    CommandDefinition<?, ?> definition = definitions.get(command.name());
    if (definition == null) {
      throw new IllegalArgumentException("no command named '" + command.name() + "' is registered; known: " + names());
    }
    if (!definition.type().resource().name().equals(command.resourceType())) {
      throw new IllegalArgumentException("command " + command.name() + " acts on " + definition.type().resource()
          + ", not " + command.resourceType());
    }
    return withMdc(command.actor(), () -> resume(definition, command, new Resumption(approval, parked, alongside)));
  }

  @Override
  public Resubmitted resubmit(Actor actor, String requestId) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(requestId, "requestId");
    ParkedCommand command = find(actor.tenant(), requestId).orElseThrow(() ->
        new NotFoundException("no command is parked under approval request " + requestId));
    if (!command.actor().userId().equals(actor.userId())) {
      throw new AccessDeniedException(actor.userId() + " may not resubmit approval request " + requestId
          + ": only " + command.actor().userId() + ", who asked for it, may", List.of("approval.resubmit.requester"));
    }
    CommandDefinition<?, ?> definition = definitions.get(command.name());
    if (definition == null) {
      throw new IllegalArgumentException("no command named '" + command.name() + "' is registered; known: " + names());
    }
    return withMdc(actor, () -> resubmit(actor, definition, command));
  }

  private <P, A> Resubmitted resubmit(Actor actor, CommandDefinition<P, A> definition, ParkedCommand command) {
    P payload = Json.fromTree(command.payload(), definition.payloadType());
    try {
      Ran<A> ran = run(actor, definition, command.resourceId(), null, payload, null, correlationId());
      return new Resubmitted(null, command.resourceId(), ran.version);
    } catch (ApprovalPendingException e) {
      return new Resubmitted(e.requestId(), command.resourceId(), 0);
    }
  }

  private <P, A> Resumed resume(CommandDefinition<P, A> definition, ParkedCommand command, Resumption resumption) {
    P payload = Json.fromTree(command.payload(), definition.payloadType());
    try {
      Ran<A> ran = run(command.actor(), definition, command.resourceId(), command.expectedVersion(), payload,
          resumption, command.correlationId());
      return new Resumed(ran.applied ? Resumed.Status.APPLIED : Resumed.Status.UNCHANGED, command.resourceId(),
          ran.version);
    } catch (VersionConflictException | DuplicateKeyException e) {
      // another node may have run it meanwhile: its commit marked the parked command as run
      TenantId tenant = command.actor().tenant();
      Optional<Document> now = store.get(tenant, PARKED.name(), resumption.parked().id());
      if (now.isPresent() && hasRun(now.get())) {
        LOG.debug("approval request {} ran already", resumption.approval().requestId());
        return alreadyRun(now.get(), command);
      }
      if (singleDocument()) {
        Optional<Long> version = recordedRun(tenant, resumption.approval().requestId());
        if (version.isPresent()) {
          markRan(tenant, resumption, version.get(), clock.instant());
          return new Resumed(Resumed.Status.ALREADY_RUN, command.resourceId(), version.get());
        }
      }
      throw e;
    }
  }

  /**
   * An approved re-execution: the approval, the parked command's document (marked as run in the same commit), and
   * what the gate commits with it.
   */
  private record Resumption(Approval approval, Document parked, Alongside alongside) {}

  private static ParkedCommand parkedCommand(Document parked) {
    return Json.fromTree((ObjectNode) parked.body().get("command"), ParkedCommand.class);
  }

  private static boolean hasRun(Document parked) {
    return "RAN".equals(parked.body().path(PARKED_STATUS).asText());
  }

  private static Resumed alreadyRun(Document parked, ParkedCommand command) {
    return new Resumed(Resumed.Status.ALREADY_RUN, command.resourceId(), parked.body().path("ranVersion").asLong());
  }

  private static Document parkedDocument(String requestId, ParkedCommand command) {
    ObjectNode body = Json.object().put(PARKED_STATUS, "PARKED");
    body.set("command", Json.toTree(command));
    return new Document(requestId, 1, body, Document.indexValues().put(PARKED_STATUS, "PARKED").build());
  }

  private static Document ranDocument(Resumption resumption, long version, Instant at) {
    Document parked = resumption.parked();
    ObjectNode body = parked.body().deepCopy().put(PARKED_STATUS, "RAN").put("ranVersion", version)
        .put("ranAt", at.toString());
    resumption.approval().approvers().forEach(body.putArray("approvers")::add);
    return new Document(parked.id(), parked.version() + 1, body,
        Document.indexValues().put(PARKED_STATUS, "RAN").build());
  }

  private boolean singleDocument() {
    return !store.supports(Capability.MULTI_DOCUMENT_TRANSACTIONS);
  }

  /**
   * Marks a resumption as run in its own commit: the parked document on stores with multi-document transactions,
   * otherwise a record of {@link #RUNS} with the request's id, whose uniqueness refuses a second run.
   */
  private void ran(WriteBatch.Builder batch, Resumption resumption, long version, Instant at) {
    if (singleDocument()) {
      ObjectNode payload = Json.object().put("requestId", resumption.approval().requestId()).put("version", version)
          .put("at", at.toString());
      batch.append(RUNS, resumption.approval().requestId(), "parked.ran", payload);
    } else {
      batch.update(PARKED.name(), ranDocument(resumption, version, at));
    }
  }

  /** On stores without multi-document transactions, marks the parked document as run after the run's commit. */
  private void markRan(TenantId tenant, Resumption resumption, long version, Instant at) {
    if (!singleDocument()) {
      return;
    }
    try {
      store.commit(tenant, WriteBatch.builder().update(PARKED.name(), ranDocument(resumption, version, at)).build());
    } catch (RuntimeException e) {
      // the run's record in parked_runs is what counts; a later resume finds it and marks the document
      LOG.debug("marking approval request {} as run failed: {}", resumption.approval().requestId(), e.toString());
    }
  }

  /** The version a run recorded in {@link #RUNS} for {@code requestId}, if it ran (a scan: the rare path). */
  private Optional<Long> recordedRun(TenantId tenant, String requestId) {
    long after = 0;
    while (true) {
      List<StreamRecord> page = store.read(tenant, RUNS, after, 1000);
      for (StreamRecord r : page) {
        if (r.id().equals(requestId)) {
          return Optional.of(r.payload().path("version").asLong());
        }
      }
      if (page.size() < 1000) {
        return Optional.empty();
      }
      after = page.get(page.size() - 1).position();
    }
  }

  /** The text rules on a JSON form of {@code rt} (bidirectional controls in its free text when allowed). */
  private List<Violation> textViolations(ResourceType rt, JsonNode tree) {
    FieldCatalog catalog = rt.fields();
    return bidiControlsInFreeText ? TextRules.check(tree, catalog::isFreeText) : TextRules.check(tree);
  }

  /** What a run did: the result as the actor may see it, whether it wrote, and the version it wrote or found. */
  private record Ran<A>(A result, boolean applied, long version) {}

  private <P, A> Ran<A> run(Actor actor, CommandDefinition<P, A> def, String id, @Nullable Long expectedVersion,
                            P payload, @Nullable Resumption resumption, String correlationId) {
    Approval approval = resumption == null ? null : resumption.approval();
    AggregateType<A> type = def.type();
    ResourceType rt = type.resource();
    String reason = def.reason().apply(payload);
    if (reason != null) {
      // before anything records it (a refusal is audited with its reason): text every store keeps exactly
      TextRules.require("reason", reason);
    }

    // 1. Authorize, then load: a record the actor may not see answers like one that does not exist.
    A current = null;
    ObjectNode before = null;
    java.util.Map<String, List<Object>> beforeValues = null;
    long readVersion = 0;
    if (!def.creates()) {
      Document doc = visibility.loadVisible(actor, rt, id, invisible ->
          recordDenied(actor, def.action(), def.name(), rt, id, reason, List.of(), correlationId))
          .orElseThrow(() -> notFound(rt, id));
      current = type.fromDocument(doc);
      before = doc.body();
      beforeValues = rt.readValues(doc);
      readVersion = doc.version();
    }
    Decision intent = policy.check(actor, def.action(), new Resource(rt, def.creates() ? null : id, before, null,
        beforeValues, null));
    if (!intent.allowed()) {
      throw denied(actor, def, rt, def.creates() ? null : id, reason, intent.decidingRules(), correlationId, null);
    }
    if (expectedVersion != null && expectedVersion != readVersion) {
      throw new VersionConflictException(rt + " " + id + " is at version " + readVersion + ", not "
          + expectedVersion);
    }

    // 2. Validate (Bean Validation and the related records), 3. apply (pure): every violation at once
    List<Violation> invalid = new ArrayList<>();
    if (!def.provenClean().test(payload)) {
      invalid.addAll(beanViolations(payload));
      // the text rules on the input as given, before the domain strips or normalizes it (a trailing control would
      // otherwise vanish silently instead of being refused)
      invalid.addAll(textViolations(rt, Json.toTree(payload)));
    }
    Map<String, Object> related = new LinkedHashMap<>();
    List<CommandDefinition.Related> needed = def.related().apply(payload);
    for (CommandDefinition.Related r : needed) {
      Optional<Document> doc = visibility.loadVisible(actor, r.type().resource(), r.id(), invisible ->
          recordDenied(actor, Action.VIEW, def.name(), r.type().resource(), r.id(), reason, List.of(), correlationId));
      if (doc.isPresent()) {
        related.put(r.path(), r.type().fromDocument(doc.get()));
      } else {
        invalid.add(new Violation(r.path(), r.type().resource().name() + ".exists",
            "no " + r.type().resource().name() + " " + r.id()));
      }
    }
    StepContext context = new StepContext(actor, clock.instant(), id, related);
    Changed<A> changed = null;
    if (related.size() == needed.size()) {
      try {
        changed = def.step().apply(context, payload, current);
      } catch (ValidationException e) {
        List<Violation> all = new ArrayList<>(invalid);
        e.violations().stream().filter(v -> !all.contains(v)).forEach(all::add);
        throw new ValidationException(all);
      } catch (RuntimeException e) {
        if (invalid.isEmpty()) {
          throw e;
        }
        // the business step tripped over input Bean Validation rejected: report that input
      }
    }
    if (!invalid.isEmpty() || changed == null) {
      throw new ValidationException(invalid);
    }
    Instant now = context.now();
    if (changed.isEmpty()) {
      A shown = Reads.shown(type, intent.fields(), Objects.requireNonNull(current), before);
      WriteBatch.Builder batch = WriteBatch.builder();
      List<WriteBatch.Append> records;
      if (resumption != null) {
        // a resumed command that changes nothing still uses up its request: it must never run later instead
        records = audit.record(new AuditEntry.Change(actor, now, correlationId, def.action(), def.name(),
            rt.name(), id, readVersion, before, before, reason, Outcome.APPROVED, intent.decidingRules(), approval,
            approval.requestId()));
        ran(batch, resumption, readVersion, now);
        resumption.alongside().add(new Resumed(Resumed.Status.UNCHANGED, id, readVersion), batch);
      } else {
        // nothing to write, but the actor was shown the record: a read like any other
        records = audit.record(new AuditEntry.Read(actor, now, correlationId, Action.VIEW, rt.name(), List.of(id),
            "", java.util.Set.of(intent.fields())));
      }
      records.forEach(batch::append);
      if (!batch.isEmpty()) {
        commit(actor.tenant(), batch.build(), records);
      }
      if (resumption != null) {
        markRan(actor.tenant(), resumption, readVersion, now);
      }
      return new Ran<>(shown, false, readVersion);
    }
    long nextVersion = readVersion + 1;
    A next = type.stamped(changed.next(), nextVersion, now, actor.userId());
    Document doc = type.toDocument(next);
    // text every store keeps exactly, or a violation naming the field: never changed on the way in
    List<Violation> text = new ArrayList<>(textViolations(rt, doc.body()));
    if (!text.isEmpty()) {
      throw new ValidationException(text);
    }

    // 4. Authorize the result: conditions on the new state, and the fields the actor may write
    Decision result = policy.check(actor, def.action(), new Resource(rt, id, before, doc.body(), beforeValues,
        doc.index()));
    if (!result.allowed()) {
      throw denied(actor, def, rt, id, reason, result.decidingRules(), correlationId, null);
    }
    // (an actor who may write every field needs no list of the fields this write changes)
    List<String> unwritable = result.fields().writable().isAll() ? List.of()
        : FieldWrites.changed(rt, before, doc.body()).stream()
            .filter(p -> !result.fields().writable().contains(p)).toList();
    if (!unwritable.isEmpty()) {
      throw denied(actor, def, rt, def.creates() ? null : id, reason, result.decidingRules(), correlationId,
          "may not write " + String.join(", ", unwritable));
    }

    // 5. Gate (without a gate, the command's JSON form is not built at all)
    if (gate != ApprovalGate.none()) {
      // parked against the version it was checked on: an approval applies to that state, not to a later one
      ParkedCommand parked = new ParkedCommand(def.name(), rt.name(), id, def.creates() ? null : readVersion,
          Json.toTree(payload), actor, correlationId, reason);
      GateDecision gated = gate.evaluate(new GateRequest(parked, before, doc.body(), approval));
      if (gated instanceof GateDecision.Park park) {
        if (approval != null) {
          throw new IllegalStateException("the approval gate parked the re-execution of its own request "
              + approval.requestId() + "; a resumed command may only proceed or be rejected");
        }
        WriteBatch.Builder batch = WriteBatch.builder().insert(PARKED.name(),
            parkedDocument(park.requestId(), parked));
        park.writes().forEach(batch::write);
        park.appends().forEach(batch::append);
        List<WriteBatch.Append> records = audit.record(new AuditEntry.Change(actor, now, correlationId,
            def.action(), def.name(), rt.name(), id, readVersion, before, doc.body(), reason, Outcome.PARKED,
            result.decidingRules(), null, park.requestId()));
        records.forEach(batch::append);
        commit(actor.tenant(), batch.build(), records);
        throw new ApprovalPendingException(park.requestId(), park.reason());
      }
      if (gated instanceof GateDecision.Reject reject) {
        List<WriteBatch.Append> records = audit.record(new AuditEntry.Change(actor, now, correlationId,
            def.action(), def.name(), rt.name(), id, readVersion, before, doc.body(), reason, Outcome.REJECTED,
            reject.rules(), approval, reject.requestId()));
        commitRecords(actor.tenant(), records);
        throw new ApprovalRejectedException(reject.reason(), reject.rules(), reject.requestId());
      }
    }

    // 6. Persist: the aggregate, its audit records, its outbox events (and a resumption's marker) in one commit
    WriteBatch.Builder batch = WriteBatch.builder();
    if (current == null) {
      batch.insert(type.collection().name(), doc);
    } else {
      batch.update(type.collection().name(), doc);
    }
    // (no entry is built for the recorder that records nothing)
    List<WriteBatch.Append> records = audit == AuditRecorder.none() ? List.of()
        : audit.record(new AuditEntry.Change(actor, now, correlationId, def.action(), def.name(), rt.name(), id,
            nextVersion, before, doc.body(), reason, approval == null ? Outcome.APPLIED : Outcome.APPROVED,
            result.decidingRules(), approval, approval == null ? null : approval.requestId()));
    records.forEach(batch::append);
    for (DomainEvent e : changed.events()) {
      Event event = new Event(Ids.uuidV7(clock), e.type(), actor.tenant(), rt.name(), id, nextVersion, now,
          correlationId, e.data());
      batch.append(event.toAppend());
    }
    if (resumption != null) {
      ran(batch, resumption, nextVersion, now);
      resumption.alongside().add(new Resumed(Resumed.Status.APPLIED, id, nextVersion), batch);
    }
    commit(actor.tenant(), batch.build(), records);
    if (resumption != null) {
      markRan(actor.tenant(), resumption, nextVersion, now);
    }
    LOG.debug("{} {} {} v{} by {}", def.name(), rt, id, nextVersion, actor.userId());

    // 7. Publish (after commit, on the publisher's executor; never undoes the committed change)
    try {
      afterCommit.accept(actor.tenant());
    } catch (RuntimeException e) {
      LOG.warn("scheduling delivery after commit failed; the relay will catch up: {}", e.toString());
    }
    return new Ran<>(Reads.shown(type, result.fields(), next, doc.body()), true, nextVersion);
  }

  /** Commits a batch and tells the recorder where its records landed. */
  void commit(TenantId tenant, WriteBatch batch, List<WriteBatch.Append> records) {
    Committed committed = store.commit(tenant, batch);
    if (records.isEmpty()) {
      return;
    }
    Set<String> keys = new HashSet<>();
    records.forEach(r -> keys.add(r.stream() + "\u0000" + r.id()));
    try {
      audit.committed(tenant, committed.records().stream()
          .filter(r -> keys.contains(r.stream() + "\u0000" + r.id())).toList());
    } catch (RuntimeException e) {
      LOG.warn("the audit recorder failed on its committed records; they are stored: {}", e.toString());
    }
  }

  /** Commits audit records on their own (a refusal, a read), if the recorder returned any. */
  void commitRecords(TenantId tenant, List<WriteBatch.Append> records) {
    if (records.isEmpty()) {
      return;
    }
    WriteBatch.Builder batch = WriteBatch.builder();
    records.forEach(batch::append);
    commit(tenant, batch.build(), records);
  }

  void recordDenied(Actor actor, Action action, String command, ResourceType rt, @Nullable String id,
                    @Nullable String reason, List<String> rules, String correlationId) {
    if (audit == AuditRecorder.none()) {
      return;
    }
    try {
      commitRecords(actor.tenant(), audit.record(new AuditEntry.Denied(actor, clock.instant(), correlationId, action,
          command, rt.name(), id, reason, rules)));
    } catch (RuntimeException e) {
      // the caller is told "not found" or "denied" either way: a failing record must not tell them more
      LOG.warn("the record of a refused {} could not be stored: {}", command, e.toString());
    }
  }

  private AccessDeniedException denied(Actor actor, CommandDefinition<?, ?> def, ResourceType rt, @Nullable String id,
                                       @Nullable String reason, List<String> rules, String correlationId,
                                       @Nullable String detail) {
    recordDenied(actor, def.action(), def.name(), rt, id, reason, rules, correlationId);
    return new AccessDeniedException(actor.userId() + " may not " + def.action().name().toLowerCase(Locale.ROOT)
        + " " + rt + (id == null ? "" : " " + id) + (detail == null ? "" : ": " + detail), rules);
  }

  static NotFoundException notFound(ResourceType rt, String id) {
    return new NotFoundException(rt + " " + id + " does not exist");
  }

  /** Bean Validation of a command: every violation at once, with its property path. */
  public void validate(Object payload) {
    List<Violation> list = beanViolations(payload);
    if (!list.isEmpty()) {
      throw new ValidationException(list);
    }
  }

  private List<Violation> beanViolations(Object payload) {
    Set<ConstraintViolation<Object>> violations = validator.validate(payload);
    List<Violation> list = new ArrayList<>();
    for (ConstraintViolation<Object> v : violations) {
      String rule = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
      list.add(new Violation(path(v), rule, v.getMessage()));
    }
    list.sort(Comparator.comparing(Violation::path));
    return list;
  }

  /** Hibernate Validator writes map keys as {@code consents<K>[x]}; callers read {@code consents[x]}. */
  private static String path(ConstraintViolation<Object> v) {
    return v.getPropertyPath().toString().replace("<K>", "").replace("<map value>", "").replace("<list element>", "");
  }

  String correlationId() {
    return Optional.ofNullable(MDC.get("correlationId")).orElseGet(() -> Ids.uuidV7(clock));
  }

  static <T> T withMdc(Actor actor, Supplier<T> body) {
    String before = MDC.get("tenant");
    MDC.put("tenant", actor.tenant().value());
    try {
      return body.get();
    } finally {
      if (before == null) {
        MDC.remove("tenant");
      } else {
        MDC.put("tenant", before);
      }
    }
  }

  Store store() {
    return store;
  }

  AccessPolicy policy() {
    return policy;
  }

  AuditRecorder audit() {
    return audit;
  }

  Visibility visibility() {
    return visibility;
  }

  /** A read path sharing this pipeline's policy, audit and visibility rule. */
  public Reads reads() {
    return new Reads(this);
  }
}
