package dev.rapport.crm.workflow;

import static dev.rapport.crm.workflow.Delegations.delegation;
import static dev.rapport.crm.workflow.Delegations.delegatorsOf;
import static dev.rapport.crm.workflow.Duties.principal;
import static dev.rapport.crm.workflow.Events.assigned;
import static dev.rapport.crm.workflow.Events.correlation;
import static dev.rapport.crm.workflow.Events.decided;
import static dev.rapport.crm.workflow.Events.event;
import static dev.rapport.crm.workflow.Events.tenantFor;
import static dev.rapport.crm.workflow.Events.uuidV7;
import static dev.rapport.crm.workflow.OpenedRequests.catchUp;
import static dev.rapport.crm.workflow.OpenedRequests.notCopied;
import static dev.rapport.crm.workflow.Req.close;
import static dev.rapport.crm.workflow.Req.closeStep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.approval.Approval;
import dev.rapport.crm.approval.ApprovalGate;
import dev.rapport.crm.approval.GateDecision;
import dev.rapport.crm.approval.GateRequest;
import dev.rapport.crm.approval.ParkedCommand;
import dev.rapport.crm.approval.ParkedCommands;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.module.CrmModule;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.recording.Outcome;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approval processes: core's {@link ApprovalGate}, and the requests it opens. Give it to
 * {@code Crm.builder().approvals(workflow)}; it parks each command a definition's trigger matches as an approval
 * request, locks the record against other changes while the request is open, collects votes step by step, and runs
 * the parked command through the normal command path once, on whatever node sees the final approval.
 *
 * <pre>{@code
 * Workflow workflow = Workflow.builder().definition(creditLimitApproval).build();
 * Crm crm = Crm.builder().store(store).accessPolicy(policy).audit(trail).directory(directory)
 *     .approvals(workflow).build();
 * try {
 *   crm.customers().changeCreditLimit(alice, id, Money.of("250000", "CNY"), "annual review");
 * } catch (ApprovalPendingException pending) {
 *   workflow.approve(bob, pending.requestId(), "fine by me");   // step 1: alice's manager
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Separation of duties</b>, enforced here whatever the definition says: the requester (and whoever they
 *       acted for) never decides their own request, through any role, manager chain, field, resolver, delegation
 *       chain or reassignment, even a role gained after asking; one person never decides in two steps of a request
 *       unless the definition allows it; nobody votes twice in a step.</li>
 *   <li><b>Exactly once</b>: the approval commit marks the request for execution; the command then runs through
 *       {@link ParkedCommands#resume}, which is idempotent per request across nodes. A node that dies in between
 *       leaves the request marked, and {@link #recover} (run by every {@link #sweep}) finishes it.</li>
 *   <li><b>Timers</b> fire once across nodes: {@link #sweep} holds the tenant's lease {@value #TIMER_LEASE}, finds
 *       due steps through an index on their due time, and writes each firing guarded by the lease and by the
 *       request's version, so a vote and a timer never both apply.</li>
 *   <li><b>Everything is recorded</b>: every decision, delegation, reassignment, recall and timer firing is an audit
 *       entry (through core's {@link AuditRecorder} port) and an outbox event ({@code approval.task-assigned},
 *       {@code approval.reminder}, {@code approval.escalated}, {@code approval.decided}, {@code approval.executed})
 *       in the same commit as the change.</li>
 * </ul>
 *
 * <p>On stores with {@link Capability#MULTI_DOCUMENT_TRANSACTIONS} a request is written in the commit that parks
 * its command. On stores without (MongoDB without a replica set) that commit may write one document, the parked
 * command: the request is then opened as a record of the stream {@value #OPENED} in the same commit, and every
 * workflow call copies new such records into the request collection first (idempotently, on any node). The gate
 * reads those not copied yet too, so the record is locked from the parking commit on in both cases.
 */
public final class Workflow implements ApprovalGate, CrmModule {
  private static final Logger LOG = LoggerFactory.getLogger(Workflow.class);

  /** The collection of approval requests. */
  public static final String REQUESTS = "workflow_requests";
  /** The collection of delegations. */
  public static final String DELEGATIONS = "workflow_delegations";
  /**
   * On stores without multi-document transactions, the stream a request is opened in (in the commit that parks its
   * command); every workflow call first copies what it finds there into {@link #REQUESTS}, once.
   */
  public static final String OPENED = "workflow_opened";
  /** How far {@link #OPENED} has been copied, per tenant (one document). */
  public static final String CURSORS = "workflow_cursors";
  /** The lease a timer sweep holds per tenant. */
  public static final String TIMER_LEASE = "workflow.timers";
  /** The resource type of approval requests in audit records and events. */
  public static final String RESOURCE_TYPE = "approval-request";
  /** The user id automatic decisions (timers) are recorded under. */
  public static final String TIMER = "workflow.timer";
  private static final int ATTEMPTS = 8;

  static final CollectionSpec REQUEST_SPEC = CollectionSpec.of(REQUESTS,
      IndexSpec.single("state", IndexType.STRING),
      IndexSpec.single("definition", IndexType.STRING),
      IndexSpec.unique("lock", IndexType.STRING),
      IndexSpec.single("requester", IndexType.STRING),
      IndexSpec.single("resource", IndexType.STRING),
      IndexSpec.multi("candidates", IndexType.STRING),
      IndexSpec.single("dueAt", IndexType.INSTANT),
      IndexSpec.single("deadline", IndexType.INSTANT),
      IndexSpec.single("execution", IndexType.STRING),
      IndexSpec.single("createdAt", IndexType.INSTANT),
      IndexSpec.single("closedAt", IndexType.INSTANT));
  static final CollectionSpec CURSOR_SPEC = CollectionSpec.of(CURSORS);
  static final CollectionSpec DELEGATION_SPEC = CollectionSpec.of(DELEGATIONS,
      IndexSpec.single("delegator", IndexType.STRING),
      IndexSpec.single("delegate", IndexType.STRING),
      IndexSpec.single("until", IndexType.INSTANT));

  private final List<ApprovalDefinition> definitions;
  private final Map<String, ApproverResolver> resolvers;
  private final Set<String> administratorRoles;
  private final Duration leaseTtl;
  private final int sweepBatch;
  private final Map<String, ApprovalDefinition> copies = new ConcurrentHashMap<>();
  /** Per definition key, the SHA-256 of the definition's JSON form: the key of its copies in {@link #copies}. */
  private final Map<String, String> fingerprints;
  /** The request a resubmission on this thread comes from, for the request the gate opens for it. */
  private final ThreadLocal<String> resubmitting = new ThreadLocal<>();
  /** The request whose final approval this thread is committing together with its command. */
  private final ThreadLocal<String> executing = new ThreadLocal<>();
  private volatile @Nullable ModuleContext context;

  private Workflow(Builder b) {
    this.definitions = List.copyOf(b.definitions.values());
    Map<String, String> prints = new HashMap<>();
    for (ApprovalDefinition d : definitions) {
      prints.put(d.key(), com.google.common.hash.Hashing.sha256().hashString(d.toJson().toString(),
          StandardCharsets.UTF_8).toString());
      copies.put(prints.get(d.key()), d);
    }
    this.fingerprints = Map.copyOf(prints);
    this.resolvers = Map.copyOf(b.resolvers);
    List<Violation> problems = new ArrayList<>();
    for (ApprovalDefinition d : definitions) {
      for (int i = 0; i < d.steps().size(); i++) {
        ApprovalStep s = d.steps().get(i);
        Map<String, List<Approvers>> rules = new LinkedHashMap<>();
        rules.put("approvers", s.approvers());
        rules.put("onExpiry.escalateTo", s.onExpiry() == null ? List.of() : s.onExpiry().escalateTo());
        for (Map.Entry<String, List<Approvers>> e : rules.entrySet()) {
          for (Approvers a : e.getValue()) {
            if (a instanceof Approvers.Resolver r && !resolvers.containsKey(r.name())) {
              problems.add(new Violation("definitions." + d.key() + ".steps[" + i + "]." + e.getKey(),
                  "definition.resolver.unknown", "definition " + d.key() + " names resolver '" + r.name()
                  + "', which is not registered; registered: " + resolvers.keySet()));
            }
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    this.administratorRoles = Set.copyOf(b.administratorRoles);
    this.leaseTtl = b.leaseTtl;
    this.sweepBatch = b.sweepBatch;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A workflow with these definitions and nothing else configured. */
  public static Workflow fromDefinitions(ApprovalDefinition... definitions) {
    Builder b = builder();
    for (ApprovalDefinition d : definitions) {
      b.definition(d);
    }
    return b.build();
  }

  public static final class Builder {
    private final Map<String, ApprovalDefinition> definitions = new LinkedHashMap<>();
    private final Map<String, ApproverResolver> resolvers = new LinkedHashMap<>();
    private final Set<String> administratorRoles = new LinkedHashSet<>();
    private Duration leaseTtl = Duration.ofSeconds(30);
    private int sweepBatch = 200;

    private Builder() {}

    /**
     * Adds a definition. One version per key: a request keeps a copy of the version it started under, so older
     * versions need not be given again. Definitions are tried in the order given; the first whose trigger matches
     * a command decides its approval.
     */
    public Builder definition(ApprovalDefinition value) {
      Objects.requireNonNull(value, "definition");
      if (definitions.putIfAbsent(value.key(), value) != null) {
        throw ValidationException.of("definitions." + value.key(), "definition.key.duplicate",
            "definition " + value.key() + " is given twice; give one version per key");
      }
      return this;
    }

    /** Adds these definitions, all or none: a key given twice leaves the builder as it was. */
    public Builder definitions(Collection<ApprovalDefinition> values) {
      Map<String, ApprovalDefinition> next = new LinkedHashMap<>(definitions);
      for (ApprovalDefinition d : values) {
        if (next.putIfAbsent(d.key(), d) != null) {
          throw ValidationException.of("definitions." + d.key(), "definition.key.duplicate",
              "definition " + d.key() + " is given twice; give one version per key");
        }
      }
      definitions.putAll(next);
      return this;
    }

    /**
     * Adds the definitions of a YAML or JSON text: one definition, a list, or {@code definitions: [...]}. Every
     * problem is reported at once in a {@code ValidationException}, each naming its path and its line and column
     * in {@code source}.
     */
    public Builder definitions(String text, String source) {
      return definitions(DefinitionFormat.definitions(DefinitionFormat.parse(text, source), source));
    }

    /**
     * Adds the definitions of a YAML or JSON file, read as UTF-8; see {@link #definitions(String, String)}. A file
     * that cannot be read is a {@code ValidationException} too (rule {@code definitions.file}).
     */
    public Builder definitions(Path file) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (java.nio.file.NoSuchFileException e) {
        throw ValidationException.of("definitions", "definitions.file", file + ": no such file");
      } catch (java.nio.charset.CharacterCodingException e) {
        throw ValidationException.of("definitions", "definitions.file", file + ": not UTF-8 text");
      } catch (IOException e) {
        throw ValidationException.of("definitions", "definitions.file", file + ": cannot be read ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
      }
      return definitions(text, file.toString());
    }

    /** Registers the resolver definitions name as {@code resolver: <name>}. */
    public Builder resolver(String name, ApproverResolver resolver) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(resolver, "resolver");
      resolvers.put(name, resolver);
      return this;
    }

    /**
     * Roles whose holders may reassign any open request's tasks (others may only hand over their own). Holding
     * such a role never lets anyone decide a request they asked for.
     */
    public Builder administratorRole(String role) {
      administratorRoles.add(Objects.requireNonNull(role, "role"));
      return this;
    }

    /** How long a node holds a tenant's timer lease between renewals (default 30 s). */
    public Builder leaseTtl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("lease ttl must be positive");
      }
      leaseTtl = ttl;
      return this;
    }

    /** How many due requests a sweep reads per page (default 200). */
    public Builder sweepBatch(int size) {
      if (size < 1 || size > Query.MAX_LIMIT) {
        throw new IllegalArgumentException("sweep batch must be 1-" + Query.MAX_LIMIT);
      }
      sweepBatch = size;
      return this;
    }

    /**
     * The workflow, or a {@code ValidationException} when a definition names a resolver not registered here
     * ({@code definition.resolver.unknown}). Command names are checked when the {@code Crm} is built.
     */
    public Workflow build() {
      return new Workflow(this);
    }
  }

  /** The definitions new requests start under. */
  public List<ApprovalDefinition> definitions() {
    return definitions;
  }

  /** The definition with this key, as new requests start under it. */
  public Optional<ApprovalDefinition> definition(String key) {
    return definitions.stream().filter(d -> d.key().equals(key)).findFirst();
  }

  // ---- module ------------------------------------------------------------------------------------------------------

  @Override
  public String name() {
    return "workflow";
  }

  @Override
  public List<CollectionSpec> collections() {
    return List.of(REQUEST_SPEC, DELEGATION_SPEC, CURSOR_SPEC);
  }

  @Override
  public void start(ModuleContext value) {
    List<Violation> problems = new ArrayList<>();
    Set<String> commands = value.parkedCommands().names();
    for (ApprovalDefinition d : definitions) {
      for (String c : d.trigger().commands()) {
        if (!commands.contains(c)) {
          problems.add(new Violation("definitions." + d.key() + ".trigger.commands", "definition.command.unknown",
              "definition " + d.key() + " names command '" + c + "', which no service registers; known: " + commands));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    this.context = value;
  }

  private ModuleContext context() {
    ModuleContext c = context;
    if (c == null) {
      throw new IllegalStateException("the workflow is not part of a Crm yet: pass it to Crm.builder().approvals(...)");
    }
    return c;
  }

  // ---- the gate ----------------------------------------------------------------------------------------------------

  @Override
  public GateDecision evaluate(GateRequest request) {
    ModuleContext c = context();
    ParkedCommand command = request.command();
    TenantId tenant = command.actor().tenant();
    if (request.resuming() != null) {
      // only an approved request of this workflow runs its command, whoever calls resume
      String id = request.resuming().requestId();
      if (id.equals(executing.get())) {
        return GateDecision.proceed(); // its final approval is being committed with this run, on this thread
      }
      RequestState state = c.store().get(tenant, REQUESTS, id).map(d -> Req.of(d).state()).orElse(null);
      if (state == null && singleDocument(c)) {
        state = notCopied(c.store(), tenant).stream().anyMatch(r -> r.id().equals(id)) ? RequestState.PENDING : null;
      }
      if (state != RequestState.APPROVED) {
        return new GateDecision.Reject("approval request " + id + (state == null ? " does not exist" : " is " + state)
            + ", so it is not approved", List.of("workflow.not-approved"), id);
      }
      return GateDecision.proceed();
    }
    String resource = command.resourceType() + "/" + command.resourceId();
    Optional<Document> lock = c.store().findUnique(tenant, REQUESTS, "lock", resource);
    String locking = lock.map(Document::id).orElse(null);
    if (locking == null && singleDocument(c)) {
      for (StreamRecord opened : notCopied(c.store(), tenant)) {
        Req r = new Req(opened.id(), 0, opened.payload());
        if (r.resourceKey().equals(resource)) {
          locking = opened.id();
        }
      }
    }
    if (locking != null) {
      return new GateDecision.Reject(command.resourceType() + " " + command.resourceId()
          + " is locked by open approval request " + locking + " until it is decided",
          List.of("workflow.locked"), locking);
    }
    Instant now = c.clock().instant();
    for (ApprovalDefinition d : definitions) {
      if (!d.trigger().commands().contains(command.name())) {
        continue;
      }
      if (d.trigger().condition() != null) {
        Boolean met = Conditions.compiled(d.trigger().condition()).test(Conditions.variables(command.name(),
            request.before(), request.after(), command.payload(), command.actor(), now));
        if (Boolean.FALSE.equals(met)) {
          continue;
        }
      }
      return open(c, d, request, now);
    }
    return GateDecision.proceed();
  }

  private GateDecision open(ModuleContext c, ApprovalDefinition d, GateRequest request, Instant now) {
    ParkedCommand command = request.command();
    String id = uuidV7(now);
    ObjectNode body = Req.F.objectNode();
    body.put("state", RequestState.PENDING.name());
    body.put("tenant", command.actor().tenant().value());
    body.putObject("definition").put("key", d.key()).put("version", d.version())
        .put("fingerprint", fingerprints.get(d.key()));
    body.set("definitionCopy", d.toJson());
    body.put("command", command.name()).put("resourceType", command.resourceType())
        .put("resourceId", command.resourceId());
    body.put("requester", command.actor().userId());
    if (command.actor().onBehalfOf() != null) {
      body.put("requesterOnBehalfOf", command.actor().onBehalfOf());
    }
    body.set("requesterRoles", Req.array(command.actor().roles()));
    ObjectNode attrs = body.putObject("requesterAttributes");
    command.actor().attributes().forEach(attrs::put);
    body.put("reason", command.reason());
    body.put("correlationId", command.correlationId());
    body.put("createdAt", now.toString());
    String from = resubmitting.get();
    if (from != null) {
      body.put("resubmittedFrom", from);
    }
    body.set("before", request.before());
    body.set("after", request.after());
    body.set("payload", command.payload());
    body.put("step", 0);
    body.putArray("steps");
    Req r = new Req(id, 0, body);
    List<WriteBatch.Append> events = new ArrayList<>();
    enterSteps(c, d, r, 0, now, events);
    if (r.state() == RequestState.APPROVED) {
      return GateDecision.proceed(); // every step skipped: no approval needed
    }
    ObjectNode step = Objects.requireNonNull(r.currentStep());
    int needed = d.steps().get(r.current()).mode().kind() == DecisionMode.Kind.N_OF
        ? d.steps().get(r.current()).mode().n() : 1;
    if (step.path("candidates").size() < needed) {
      return new GateDecision.Reject((step.path("candidates").isEmpty() ? "nobody may approve step '"
          : "too few may approve step '") + step.path("name").asText() + "' of " + d.key() + " for "
          + command.actor().userId() + " (" + needed + " needed; the requester never approves their own request)",
          List.of("workflow.no-approver"), null);
    }
    events.add(0, event(c, "approval.requested", r, 1, now, r.summary()));
    String reason = "needs approval: " + d.name() + ", step " + step.path("name").asText();
    if (singleDocument(c)) {
      events.add(new WriteBatch.Append(OPENED, id, "approval.opened", r.body));
      return new GateDecision.Park(id, reason, List.of(), events);
    }
    return new GateDecision.Park(id, reason, List.of(new WriteBatch.Insert(REQUESTS, r.document(1))), events);
  }

  /**
   * Enters steps from {@code index} on: skips those whose skip condition is met, resolves the candidates of the
   * first one not skipped and arms its timer; with no step left, the request is approved (pending execution).
   */
  private void enterSteps(ModuleContext c, ApprovalDefinition d, Req r, int index, Instant now,
                          List<WriteBatch.Append> events) {
    ArrayNode steps = r.steps();
    for (int i = index; i < d.steps().size(); i++) {
      ApprovalStep s = d.steps().get(i);
      ObjectNode st = Req.F.objectNode().put("name", s.name()).put("enteredAt", now.toString());
      st.putArray("votes");
      r.body.put("step", i);
      if (s.skipIf() != null) {
        Boolean skip = Conditions.compiled(s.skipIf()).test(variables(r, now));
        if (Boolean.TRUE.equals(skip)) {
          st.putArray("candidates");
          st.put("outcome", "SKIPPED").put("closedAt", now.toString());
          steps.add(st);
          continue;
        }
      }
      Set<String> candidates = resolve(c, d, r, s.name(), s.approvers());
      st.set("candidates", Req.array(candidates));
      st.put("reminders", 0).put("escalated", false);
      if (s.timeLimit() != null) {
        Instant due = now.plus(s.timeLimit());
        st.put("deadline", due.toString()).put("dueAt", due.toString());
      }
      steps.add(st);
      events.add(event(c, "approval.task-assigned", r, r.version + 1, now, assigned(r, st, candidates)));
      return;
    }
    r.body.put("step", d.steps().size());
    r.state(RequestState.APPROVED);
    r.body.put("closedAt", now.toString());
    r.body.putObject("execution").put("status", "PENDING");
  }

  private Map<String, Object> variables(Req r, Instant now) {
    JsonNode before = r.body.get("before");
    return Conditions.variables(r.body.path("command").asText(),
        before == null || !before.isObject() ? null : (ObjectNode) before, (ObjectNode) r.body.get("after"),
        r.body.get("payload"), requesterActor(r), now);
  }

  private Actor requesterActor(Req r) {
    Map<String, String> attrs = new TreeMap<>();
    r.body.path("requesterAttributes").fields().forEachRemaining(e -> attrs.put(e.getKey(), e.getValue().asText()));
    return new Actor(r.requester(), tenantFor(r),
        new LinkedHashSet<>(Req.texts(r.body.path("requesterRoles"))), attrs, Req.text(r.body, "requesterOnBehalfOf"));
  }

  /** The candidates of a step: the union of its rules, without the requester and (by default) earlier deciders. */
  private Set<String> resolve(ModuleContext c, ApprovalDefinition d, Req r, String step, List<Approvers> rules) {
    TenantId tenant = tenantFor(r);
    Set<String> out = new LinkedHashSet<>();
    for (Approvers a : rules) {
      if (a instanceof Approvers.Users u) {
        out.addAll(u.ids());
      } else if (a instanceof Approvers.Role role) {
        out.addAll(new java.util.TreeSet<>(c.directory().membersOfRole(tenant, role.name())));
      } else if (a instanceof Approvers.Manager m) {
        List<String> chain = c.directory().managerChain(tenant, r.requester());
        if (chain.size() >= m.level()) {
          out.add(chain.get(m.level() - 1));
        }
      } else if (a instanceof Approvers.Field f) {
        JsonNode v = r.body.path("after");
        for (String part : f.path().split("\\.")) {
          v = v.path(part);
        }
        if (v.isTextual() && !v.asText().isBlank()) {
          out.add(v.asText());
        }
      } else if (a instanceof Approvers.Resolver res) {
        ApproverResolver resolver = resolvers.get(res.name());
        if (resolver != null) {
          JsonNode before = r.body.get("before");
          ParkedCommand cmd = c.parkedCommands().find(tenant, r.id).orElse(null);
          if (cmd == null) {
            cmd = new ParkedCommand(r.body.path("command").asText(), r.body.path("resourceType").asText(),
                r.body.path("resourceId").asText(), null, (ObjectNode) r.body.path("payload"), requesterActor(r),
                r.body.path("correlationId").asText(), Req.text(r.body, "reason"));
          }
          out.addAll(new java.util.TreeSet<>(resolver.approvers(new ApproverResolver.Context(requesterActor(r), cmd,
              before == null || !before.isObject() ? null : (ObjectNode) before, (ObjectNode) r.body.get("after"),
              step, c.directory()))));
        }
      }
    }
    out.removeAll(r.requesters());
    if (!d.allowRepeatDeciders()) {
      out.removeAll(r.earlierDeciders());
    }
    return out;
  }

  // ---- requests opened in a stream (stores without multi-document transactions) --------------------------------

  private static boolean singleDocument(ModuleContext c) {
    return !c.store().supports(Capability.MULTI_DOCUMENT_TRANSACTIONS);
  }

  /** The context, after copying the tenant's newly opened requests into the request collection (see {@link #OPENED}). */
  private ModuleContext ready(TenantId tenant) {
    ModuleContext c = context();
    if (singleDocument(c)) {
      catchUp(c, tenant);
    }
    return c;
  }

  // ---- deciding ----------------------------------------------------------------------------------------------------

  /** Approves the current step of a request as {@code actor} (or as a delegate of one of its candidates). */
  public ApprovalRequest approve(Actor actor, String requestId, @Nullable String comment) {
    return decide(actor, requestId, true, comment);
  }

  /** Rejects the current step, and with it the request, as {@code actor}. */
  public ApprovalRequest reject(Actor actor, String requestId, @Nullable String comment) {
    return decide(actor, requestId, false, comment);
  }

  private ApprovalRequest decide(Actor actor, String requestId, boolean approve, @Nullable String comment) {
    Objects.requireNonNull(actor, "actor");
    id("requestId", requestId);
    ModuleContext c = ready(actor.tenant());
    freeText(c, "comment", comment).ifPresent(Workflow::refuse);
    RequestChange vote = (r, now) -> {
      requirePending(r);
      ApprovalDefinition d = definitionOf(r);
      ObjectNode step = Objects.requireNonNull(r.currentStep());
      String principal = principal(c, actor, r, d, step, now);
      ObjectNode cast = ((ArrayNode) step.get("votes")).addObject().put("by", actor.userId()).put("for", principal)
          .put("approve", approve).put("at", now.toString());
      if (actor.onBehalfOf() != null) {
        cast.put("actingFor", actor.onBehalfOf());
      }
      if (comment != null) {
        cast.put("comment", comment);
      }
      List<WriteBatch.Append> events = new ArrayList<>();
      settle(c, d, r, step, now, events);
      return new Change(Action.APPROVE, approve ? "approval.approve" : "approval.reject", comment, events, actor);
    };
    if (singleDocument(c)) {
      // one document per commit: the decision, then the command, then how it ran (recover() finishes a crash)
      return afterDecision(actor.tenant(), retrying(actor.tenant(), requestId, vote));
    }
    return decideAndRun(c, actor.tenant(), requestId, vote);
  }

  /**
   * A decision on a store with multi-document transactions: when it is the final approval, the parked command runs
   * in the decision's own commit (the request's final state goes along with the command's writes), so there is no
   * moment at which the request is approved and its command not run. When the command cannot run (the record
   * changed since: {@code STALE}; the command path refuses it: {@code FAILED}), the decision is committed with that
   * outcome; when the request changed meanwhile (another vote), the decision is made again on its new state.
   */
  private ApprovalRequest decideAndRun(ModuleContext c, TenantId tenant, String requestId, RequestChange vote) {
    for (int attempt = 1; ; attempt++) {
      Document d = c.store().get(tenant, REQUESTS, requestId).orElseThrow(() -> notFound(requestId));
      ObjectNode before = audited(c) ? Req.of(d).summary() : null;
      Req r = Req.of(d);
      Instant now = c.clock().instant();
      Change ch = Objects.requireNonNull(vote.apply(r, now));
      if (!"PENDING".equals(r.executionStatus())) {
        Req done = commitChange(c, tenant, r, ch, before, now);
        if (done != null) {
          return done.view();
        }
      } else {
        Req done = runWithDecision(c, tenant, r, ch, before, now);
        if (done != null) {
          return done.view();
        }
      }
      if (attempt >= ATTEMPTS) {
        throw new VersionConflictException("approval request " + requestId + " kept changing; try again");
      }
      LOG.debug("approval request {} changed meanwhile; deciding again", requestId);
    }
  }

  /** The final approval and its command in one commit; null when the request changed meanwhile. */
  private @Nullable Req runWithDecision(ModuleContext c, TenantId tenant, Req r, Change ch,
                                        @Nullable ObjectNode before, Instant now) {
    String error;
    String status;
    executing.set(r.id);
    try {
      ParkedCommands.Resumed res = c.parkedCommands().resume(tenant, new Approval(r.id, r.approvers(), now),
          (outcome, batch) -> {
            ran(r, "RAN", outcome.version(), null, now);
            Document next = r.document(r.version + 1);
            batch.update(REQUESTS, next);
            ch.events().forEach(batch::append);
            batch.append(event(c, "approval.executed", r, next.version(), now, decided(r)));
            if (audited(c)) {
              c.audit().record(entry(ch, r, before, next.version(), now)).forEach(batch::append);
            }
          });
      if (res.status() != ParkedCommands.Resumed.Status.ALREADY_RUN) {
        return new Req(r.id, r.version + 1, r.body);
      }
      // the command ran before (a host resumed it itself): record the decision with that run
      status = "RAN";
      error = null;
      ran(r, status, res.version(), null, now);
    } catch (VersionConflictException e) {
      if (c.store().get(tenant, REQUESTS, r.id).map(Document::version).orElse(-1L) != r.version) {
        return null; // another decision came first: decide again on the new state
      }
      status = "STALE";
      error = stale(r);
    } catch (NotFoundException | AccessDeniedException | ValidationException
             | dev.rapport.crm.error.ApprovalRejectedException | dev.rapport.crm.error.DuplicateKeyException e) {
      status = "FAILED";
      error = e.getMessage();
    } finally {
      executing.remove();
    }
    ran(r, status, "RAN".equals(status) ? r.body.path("execution").path("resourceVersion").asLong() : 0, error, now);
    List<WriteBatch.Append> events = new ArrayList<>(ch.events());
    events.add(event(c, "RAN".equals(status) ? "approval.executed" : "approval.execution-failed", r, r.version + 1,
        now, decided(r)));
    return commitChange(c, tenant, r, new Change(ch.action(), ch.command(), ch.reason(), events, ch.actor()), before,
        now);
  }

  /** Why a request's command did not run because its record changed after the request was made. */
  private static String stale(Req r) {
    return r.body.path("resourceType").asText() + " " + r.body.path("resourceId").asText()
        + " changed after the request was made; the approval no longer applies: resubmit it";
  }

  private static void ran(Req r, String status, long version, @Nullable String error, Instant now) {
    ObjectNode e = r.body.putObject("execution").put("status", status).put("resourceVersion", version)
        .put("at", now.toString());
    if (error != null) {
      e.put("error", error);
    }
  }

  /** Decides the step if its votes suffice; closes the request or enters the next step. */
  private void settle(ModuleContext c, ApprovalDefinition d, Req r, ObjectNode step, Instant now,
                      List<WriteBatch.Append> events) {
    ApprovalStep s = d.steps().get(r.current());
    int approvals = 0;
    int rejections = 0;
    for (JsonNode v : step.path("votes")) {
      if (v.path("approve").asBoolean()) {
        approvals++;
      } else {
        rejections++;
      }
    }
    int candidates = step.path("candidates").size();
    boolean approved;
    boolean rejected;
    switch (s.mode().kind()) {
      case ANY -> {
        approved = approvals > 0;
        rejected = !approved && rejections > 0;
      }
      case ALL -> {
        rejected = rejections > 0;
        approved = !rejected && approvals >= Math.max(1, candidates);
      }
      default -> {
        // rejected once the approvals given plus the candidates still to vote cannot make n
        approved = approvals >= s.mode().n();
        int open = Math.max(0, candidates - approvals - rejections);
        rejected = !approved && rejections > 0 && approvals + open < s.mode().n();
      }
    }
    if (approved) {
      closeStep(step, "APPROVED", now);
      enterSteps(c, d, r, r.current() + 1, now, events);
      if (r.state() == RequestState.APPROVED) {
        events.add(event(c, "approval.decided", r, r.version + 1, now, decided(r)));
      }
    } else if (rejected) {
      closeStep(step, "REJECTED", now);
      close(r, RequestState.REJECTED, now);
      events.add(event(c, "approval.decided", r, r.version + 1, now, decided(r)));
    }
  }

  // ---- recall, resubmit, reassign, delegate -----------------------------------------------------------------------

  /** Withdraws a pending request: only its requester may. The record is unlocked; the command never runs. */
  public ApprovalRequest recall(Actor actor, String requestId, @Nullable String reason) {
    id("requestId", requestId);
    ModuleContext c = ready(actor.tenant());
    freeText(c, "reason", reason).ifPresent(Workflow::refuse);
    Req done = retrying(actor.tenant(), requestId, (r, now) -> {
      requirePending(r);
      requireRequester(actor, r, "recall");
      ObjectNode step = r.currentStep();
      if (step != null) {
        closeStep(step, "WITHDRAWN", now);
      }
      close(r, RequestState.WITHDRAWN, now);
      r.body.put("closeReason", reason);
      return new Change(Action.EDIT, "approval.recall", reason,
          new ArrayList<>(List.of(event(c, "approval.decided", r, r.version + 1, now, decided(r)))), actor);
    });
    return done.view();
  }

  /**
   * Asks again after a rejection (or an expiry, a recall, or an approval that could no longer apply): runs the
   * parked command again through the command path, as the requester, against the record as it is now. The gate
   * decides afresh; the new request names this one as {@link ApprovalRequest#resubmittedFrom()}.
   *
   * @return the new request, or empty when the command applied without needing approval this time
   */
  public Optional<ApprovalRequest> resubmit(Actor actor, String requestId) {
    id("requestId", requestId);
    ModuleContext c = ready(actor.tenant());
    Req r = load(c, actor.tenant(), requestId);
    requireRequester(actor, r, "resubmit");
    String exec = r.executionStatus();
    if (r.state() == RequestState.PENDING || (r.state() == RequestState.APPROVED
        && !"STALE".equals(exec) && !"FAILED".equals(exec))) {
      throw ValidationException.of("requestId", "approval.resubmit.state", "approval request " + requestId + " is "
          + r.state() + (exec == null ? "" : " (" + exec + ")") + "; only a rejected, expired, withdrawn or failed"
          + " request is resubmitted");
    }
    resubmitting.set(requestId);
    try {
      ParkedCommands.Resubmitted res = c.parkedCommands().resubmit(actor, requestId);
      return res.parked() ? Optional.of(request(actor.tenant(), Objects.requireNonNull(res.requestId())))
          : Optional.empty();
    } finally {
      resubmitting.remove();
    }
  }

  /**
   * Hands a pending step's task from one candidate to another: {@code from} themselves may, and so may holders of an
   * {@linkplain Builder#administratorRole administrator role}. The new candidate may not be the requester nor
   * (by default) someone who decided an earlier step.
   */
  public ApprovalRequest reassign(Actor actor, String requestId, String from, String to, @Nullable String reason) {
    id("requestId", requestId);
    id("from", from);
    id("to", to);
    ModuleContext c = ready(actor.tenant());
    freeText(c, "reason", reason).ifPresent(Workflow::refuse);
    Req done = retrying(actor.tenant(), requestId, (r, now) -> {
      requirePending(r);
      if (!actor.userId().equals(from) && actor.roles().stream().noneMatch(administratorRoles::contains)) {
        throw new AccessDeniedException(actor.userId() + " may not reassign " + from + "'s task on approval request "
            + requestId + ": only " + from + " or an administrator may", List.of("workflow.reassign"));
      }
      ApprovalDefinition d = definitionOf(r);
      ObjectNode step = Objects.requireNonNull(r.currentStep());
      List<String> candidates = new ArrayList<>(Req.texts(step.path("candidates")));
      if (!candidates.contains(from)) {
        throw ValidationException.of("from", "approval.reassign.candidate", from + " is not a candidate of step "
            + step.path("name").asText() + " of approval request " + requestId);
      }
      for (JsonNode v : step.path("votes")) {
        if (v.path("for").asText().equals(from)) {
          throw ValidationException.of("from", "approval.reassign.voted", from + " has voted already");
        }
      }
      if (r.requesters().contains(to)) {
        throw new AccessDeniedException("may not reassign approval request " + requestId + " to " + to
            + ", who asked for it", List.of("workflow.sod.requester"));
      }
      if (!d.allowRepeatDeciders() && r.earlierDeciders().contains(to)) {
        throw new AccessDeniedException("may not reassign approval request " + requestId + " to " + to
            + ", who decided an earlier step", List.of("workflow.sod.decided-before"));
      }
      if (candidates.contains(to)) {
        throw ValidationException.of("to", "approval.reassign.candidate", to + " is a candidate already");
      }
      candidates.set(candidates.indexOf(from), to);
      step.set("candidates", Req.array(candidates));
      List<WriteBatch.Append> events = new ArrayList<>();
      events.add(event(c, "approval.task-assigned", r, r.version + 1, now, assigned(r, step, List.of(to))));
      return new Change(Action.ASSIGN, "approval.reassign", reason, events, actor);
    });
    return done.view();
  }

  /**
   * Hands {@code actor}'s approval tasks to {@code delegate} from {@code from} until {@code until} (out of office).
   * The delegate sees them in their inbox and votes for {@code actor}; the delegation is an audit entry.
   */
  public Delegation delegate(Actor actor, String delegate, Instant from, Instant until, @Nullable String reason) {
    ModuleContext c = context();
    Instant now = c.clock().instant();
    List<Violation> problems = new ArrayList<>();
    if (delegate == null || delegate.isBlank() || delegate.length() > 128) {
      problems.add(new Violation("delegate", "delegation.delegate", "a delegate is a user id of 1-128 characters"));
    } else if (delegate.equals(actor.userId())) {
      problems.add(new Violation("delegate", "delegation.self", "nobody delegates to themselves"));
    } else {
      TextRules.check("delegate", delegate).ifPresent(problems::add);
    }
    if (from == null || until == null) {
      problems.add(new Violation(from == null ? "from" : "until", "delegation.period",
          "a delegation has a start and an end"));
    } else if (!until.isAfter(from)) {
      problems.add(new Violation("until", "delegation.period", "a delegation ends after it starts"));
    } else if (!until.isAfter(now)) {
      problems.add(new Violation("until", "delegation.period", "a delegation ends in the future, not at " + until
          + " (now is " + now + ")"));
    }
    freeText(c, "reason", reason).ifPresent(problems::add);
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    String id = uuidV7(now);
    ObjectNode body = Req.F.objectNode().put("delegator", actor.userId()).put("delegate", delegate)
        .put("from", from.toString()).put("until", until.toString()).put("reason", reason).put("revoked", false)
        .put("createdAt", now.toString());
    Document doc = new Document(id, 1, body, Document.indexValues().put("delegator", actor.userId())
        .put("delegate", delegate).put("until", until).build());
    commit(c, actor, WriteBatch.builder().insert(DELEGATIONS, doc), () -> new AuditEntry.Change(actor, now,
        correlation(), Action.ASSIGN, "approval.delegate", "approval-delegation", id, 1, null, body, reason,
        Outcome.APPLIED, List.of("workflow.delegation"), null, null));
    return delegation(doc);
  }

  /** Ends a delegation early: its delegator (or an administrator) may. */
  public Delegation revokeDelegation(Actor actor, String delegationId, @Nullable String reason) {
    id("delegationId", delegationId);
    ModuleContext c = context();
    freeText(c, "reason", reason).ifPresent(Workflow::refuse);
    Document d = c.store().get(actor.tenant(), DELEGATIONS, delegationId).orElseThrow(() ->
        new NotFoundException("no delegation " + delegationId));
    Delegation dl = delegation(d);
    if (!dl.delegator().equals(actor.userId()) && actor.roles().stream().noneMatch(administratorRoles::contains)) {
      throw new AccessDeniedException(actor.userId() + " may not revoke " + dl.delegator() + "'s delegation",
          List.of("workflow.delegation"));
    }
    ObjectNode body = d.body().deepCopy().put("revoked", true);
    Document next = new Document(d.id(), d.version() + 1, body, Document.indexValues().put("delegator",
        dl.delegator()).put("delegate", dl.delegate()).put("until", dl.until()).build());
    commit(c, actor, WriteBatch.builder().update(DELEGATIONS, next), () -> new AuditEntry.Change(actor,
        c.clock().instant(), correlation(), Action.ASSIGN, "approval.revoke-delegation", "approval-delegation",
        d.id(), next.version(), d.body(), body, reason, Outcome.APPLIED, List.of("workflow.delegation"), null, null));
    return delegation(next);
  }

  /** The delegations {@code user} gave or received that have not ended. */
  public List<Delegation> delegations(TenantId tenant, String user) {
    id("user", user);
    ModuleContext c = context();
    Instant now = c.clock().instant();
    List<Delegation> out = new ArrayList<>();
    for (String field : List.of("delegator", "delegate")) {
      Query q = Query.of(Criteria.and(Criteria.eq(field, user), Criteria.gt("until", now)), Sort.byId(),
          Query.MAX_LIMIT);
      Page.streamAll(q, x -> c.store().query(tenant, DELEGATIONS, x)).map(Delegations::delegation)
          .filter(d -> !d.revoked()).forEach(out::add);
    }
    return out;
  }

  // ---- execution and recovery --------------------------------------------------------------------------------------

  private ApprovalRequest afterDecision(TenantId tenant, Req r) {
    if ("PENDING".equals(r.executionStatus())) {
      return execute(tenant, r.id);
    }
    return r.view();
  }

  /**
   * Runs the parked command of an approved request, once: the command path runs it at most once per request
   * across nodes, and the request records how it went ({@link ApprovalRequest#execution()}). Called by the node
   * that sees the final approval, and by {@link #recover} for requests a node approved but did not finish.
   */
  public ApprovalRequest execute(TenantId tenant, String requestId) {
    id("requestId", requestId);
    ModuleContext c = ready(tenant);
    Req r = load(c, tenant, requestId);
    if (!"PENDING".equals(r.executionStatus())) {
      return r.view();
    }
    String status;
    long version = 0;
    String error = null;
    try {
      Instant decidedAt = Optional.ofNullable(Req.instant(r.body, "closedAt")).orElse(c.clock().instant());
      ParkedCommands.Resumed res = c.parkedCommands().resume(tenant, new Approval(requestId, r.approvers(),
          decidedAt));
      status = "RAN";
      version = res.version();
    } catch (VersionConflictException e) {
      status = "STALE";
      error = stale(r);
    } catch (NotFoundException | AccessDeniedException | ValidationException
             | dev.rapport.crm.error.ApprovalRejectedException | dev.rapport.crm.error.DuplicateKeyException e) {
      status = "FAILED";
      error = e.getMessage();
    }
    String finalStatus = status;
    long finalVersion = version;
    String finalError = error;
    Req done = retrying(tenant, requestId, (x, now) -> {
      if (!"PENDING".equals(x.executionStatus())) {
        return null; // another node finished it
      }
      ObjectNode e = x.body.putObject("execution").put("status", finalStatus).put("resourceVersion", finalVersion)
          .put("at", now.toString());
      if (finalError != null) {
        e.put("error", finalError);
      }
      List<WriteBatch.Append> events = new ArrayList<>();
      events.add(event(c, "RAN".equals(finalStatus) ? "approval.executed" : "approval.execution-failed", x,
          x.version + 1, now, decided(x)));
      return new Change(Action.EDIT, "approval.execute", finalError, events, Actor.of(tenant, TIMER));
    });
    return done.view();
  }

  /**
   * Finishes what a node approved but did not run (it died, or lost its connection): runs each approved request's
   * command that has not run, once. Safe on any number of nodes at once. {@link #sweep} calls it.
   *
   * @return how many requests it finished
   */
  public int recover(TenantId tenant) {
    ModuleContext c = ready(tenant);
    int n = 0;
    Query q = Query.of(Criteria.eq("execution", "PENDING"), Sort.byId(), sweepBatch);
    List<String> ids = Page.streamAll(q, x -> c.store().query(tenant, REQUESTS, x)).map(Document::id).toList();
    for (String id : ids) {
      execute(tenant, id);
      n++;
    }
    return n;
  }

  // ---- timers ------------------------------------------------------------------------------------------------------

  /**
   * What a sweep did.
   *
   * @param leaseHeld false when another node holds the tenant's timer lease (this sweep did nothing)
   * @param fired timers fired (reminders, escalations, automatic decisions)
   * @param executed approved requests whose command this sweep ran (recovery)
   */
  public record Sweep(boolean leaseHeld, int fired, int executed) {}

  /**
   * Fires the tenant's due timers, each once across nodes, then {@linkplain #recover recovers} approved requests.
   * Any node may call it, as often as it likes (every few seconds, say); only the holder of the tenant's lease
   * sweeps. Due steps are found through an index on their due time, so pending requests far from due cost nothing.
   */
  public Sweep sweep(TenantId tenant) {
    ModuleContext c = ready(tenant);
    Store store = c.store();
    Optional<Lease> held = store.tryAcquire(tenant, TIMER_LEASE, c.nodeId(), leaseTtl);
    if (held.isEmpty()) {
      return new Sweep(false, 0, 0);
    }
    Lease lease = held.get();
    int fired = 0;
    try {
      Instant now = c.clock().instant();
      Query q = Query.of(Criteria.lte("dueAt", now), Sort.asc("dueAt"), sweepBatch);
      while (true) {
        Page<Document> page = store.query(tenant, REQUESTS, q);
        for (Document d : page.items()) {
          if (fire(c, tenant, d, lease, now)) {
            fired++;
          }
        }
        if (page.nextCursor() == null) {
          break;
        }
        if (c.clock().instant().isAfter(lease.expiresAt().minus(leaseTtl.dividedBy(2)))) {
          Optional<Lease> renewed = store.tryAcquire(tenant, TIMER_LEASE, c.nodeId(), leaseTtl);
          if (renewed.isEmpty()) {
            return new Sweep(true, fired, 0);
          }
          lease = renewed.get();
        }
        q = q.after(page.nextCursor());
      }
      int executed = recover(tenant);
      return new Sweep(true, fired, executed);
    } finally {
      store.release(tenant, lease);
    }
  }

  /** Fires one due timer; false when the request changed meanwhile (a vote, another sweep) and it is no longer due. */
  private boolean fire(ModuleContext c, TenantId tenant, Document d, Lease lease, Instant now) {
    // (a document read from a store is the reader's own copy)
    ObjectNode before = audited(c) ? Req.of(d).summary() : null;
    Req r = Req.of(d);
    ObjectNode step = r.currentStep();
    if (r.state() != RequestState.PENDING || step == null || !step.hasNonNull("dueAt")
        || Instant.parse(step.get("dueAt").asText()).isAfter(now)) {
      return false;
    }
    ApprovalDefinition def = definitionOf(r);
    ApprovalStep s = def.steps().get(r.current());
    OnExpiry expiry = Objects.requireNonNull(s.onExpiry());
    Actor timer = Actor.of(tenant, TIMER);
    List<WriteBatch.Append> events = new ArrayList<>();
    String command;
    switch (expiry.action()) {
      case REMIND -> {
        step.put("reminders", step.path("reminders").asInt() + 1);
        step.put("dueAt", now.plus(Objects.requireNonNull(s.timeLimit())).toString());
        events.add(event(c, "approval.reminder", r, r.version + 1, now, assigned(r, step, open(step))));
        command = "approval.remind";
      }
      case ESCALATE -> {
        Set<String> to = resolve(c, def, r, s.name(), expiry.escalateTo());
        step.set("candidates", Req.array(to));
        step.put("escalated", true);
        step.remove("dueAt");
        events.add(event(c, "approval.escalated", r, r.version + 1, now, assigned(r, step, to)));
        command = "approval.escalate";
      }
      case APPROVE -> {
        ((ArrayNode) step.get("votes")).addObject().put("by", TIMER).put("for", TIMER).put("approve", true)
            .put("at", now.toString()).put("comment", "approved automatically after " + s.timeLimit());
        closeStep(step, "APPROVED", now);
        enterSteps(c, def, r, r.current() + 1, now, events);
        if (r.state() == RequestState.APPROVED) {
          events.add(event(c, "approval.decided", r, r.version + 1, now, decided(r)));
        }
        command = "approval.auto-approve";
      }
      default -> {
        closeStep(step, "EXPIRED", now);
        close(r, RequestState.EXPIRED, now);
        events.add(event(c, "approval.decided", r, r.version + 1, now, decided(r)));
        command = "approval.expire";
      }
    }
    WriteBatch.Builder b = WriteBatch.builder().update(REQUESTS, r.document(r.version + 1))
        .guardedBy(WriteBatch.LeaseGuard.of(lease));
    events.forEach(b::append);
    String firing = command;
    try {
      commit(c, timer, b, () -> new AuditEntry.Change(timer, now, correlation(), Action.APPROVE, firing,
          RESOURCE_TYPE, r.id, r.version + 1, before, r.summary(), "time limit " + s.timeLimit() + " of step "
          + s.name() + " passed", Outcome.APPLIED, List.of("workflow.timer"), null, r.id));
    } catch (VersionConflictException e) {
      return false;
    }
    if ("PENDING".equals(r.executionStatus())) {
      execute(tenant, r.id);
    }
    return true;
  }

  private static List<String> open(ObjectNode step) {
    List<String> open = new ArrayList<>(Req.texts(step.path("candidates")));
    for (JsonNode v : step.path("votes")) {
      open.remove(v.path("for").asText());
    }
    return open;
  }

  // ---- reading -----------------------------------------------------------------------------------------------------

  /** A request as it stands. */
  public ApprovalRequest request(TenantId tenant, String requestId) {
    id("requestId", requestId);
    return load(ready(tenant), tenant, requestId).view();
  }

  /**
   * The tenant's requests in {@code state} (null: in any state), oldest first, at most {@code limit} (1 to {@link
   * Query#MAX_LIMIT}).
   */
  public List<ApprovalRequest> requests(TenantId tenant, @Nullable RequestState state, int limit) {
    if (limit < 1 || limit > Query.MAX_LIMIT) {
      throw ValidationException.of("limit", "approval.limit", "limit is 1 to " + Query.MAX_LIMIT + ", not " + limit);
    }
    ModuleContext c = ready(tenant);
    Criteria which = state == null ? Criteria.all() : Criteria.eq("state", state.name());
    return c.store().query(tenant, REQUESTS, Query.of(which, Sort.byId(), limit)).items().stream()
        .map(d -> Req.of(d).view()).toList();
  }

  /** The open request that locks a record, if any. */
  public Optional<ApprovalRequest> lockOf(TenantId tenant, String resourceType, String resourceId) {
    id("resourceType", resourceType);
    id("resourceId", resourceId);
    return ready(tenant).store().findUnique(tenant, REQUESTS, "lock", resourceType + "/" + resourceId)
        .map(d -> Req.of(d).view());
  }

  /**
   * The steps waiting for {@code actor}'s vote: where they are a candidate, or where someone who delegated to them
   * is, leaving out what they may not decide (their own requests, steps they voted on, requests where they decided
   * an earlier step). Oldest first.
   */
  public List<Task> inbox(Actor actor) {
    ModuleContext c = ready(actor.tenant());
    Instant now = c.clock().instant();
    List<String> principals = new ArrayList<>();
    principals.add(actor.userId());
    principals.addAll(delegatorsOf(c.store(), actor.tenant(), actor.userId(), Set.of(), now));
    Query q = Query.of(Criteria.in("candidates", List.copyOf(principals)), Sort.byId(), Query.MAX_LIMIT);
    List<Task> out = new ArrayList<>();
    Page.streamAll(q, x -> c.store().query(actor.tenant(), REQUESTS, x)).forEach(d -> {
      Req r = Req.of(d);
      ObjectNode step = r.currentStep();
      if (step == null || r.state() != RequestState.PENDING) {
        return;
      }
      String principal;
      try {
        principal = principal(c, actor, r, definitionOf(r), step, now);
      } catch (AccessDeniedException e) {
        return;
      }
      Instant deadline = Req.instant(step, "deadline");
      out.add(new Task(r.id, r.body.path("definition").path("key").asText(), step.path("name").asText(),
          r.body.path("command").asText(), r.body.path("resourceType").asText(), r.body.path("resourceId").asText(),
          r.requester(), principal, Instant.parse(step.path("enteredAt").asText()), deadline,
          deadline != null && deadline.isBefore(now)));
    });
    return out;
  }

  /** Pending requests whose current step is past its time limit, the most overdue first. */
  public List<ApprovalRequest> overdue(TenantId tenant) {
    ModuleContext c = ready(tenant);
    Query q = Query.of(Criteria.lt("deadline", c.clock().instant()), Sort.asc("deadline"), Query.MAX_LIMIT);
    return Page.streamAll(q, x -> c.store().query(tenant, REQUESTS, x)).map(d -> Req.of(d).view()).toList();
  }

  /**
   * Counts by state, and cycle times and approver throughput over the requests created since {@code since} (read
   * page by page through the creation-time index).
   */
  public Kpis kpis(TenantId tenant, Instant since) {
    if (since == null) {
      throw ValidationException.of("since", "kpis.since", "since is required: the time from which requests count"
          + " (Instant.EPOCH for all of them)");
    }
    return KpiFigures.kpis(ready(tenant).store(), tenant, since, definitions);
  }


  // ---- plumbing ----------------------------------------------------------------------------------------------------

  /** What a change to a request records: its audit entry's action and command, reason, events and actor. */
  private record Change(Action action, String command, @Nullable String reason, List<WriteBatch.Append> events,
                       Actor actor) {}

  @FunctionalInterface
  private interface RequestChange {
    /** Changes {@code r} in place and says what to record; null to write nothing. */
    @Nullable Change apply(Req r, Instant now);
  }

  /**
   * Loads the request, applies the change and commits it with its audit entry and events, version-checked; on a
   * conflict (a concurrent vote, a timer) it reads the request again and retries.
   */
  private Req retrying(TenantId tenant, String requestId, RequestChange change) {
    ModuleContext c = context();
    for (int attempt = 1; ; attempt++) {
      Document d = c.store().get(tenant, REQUESTS, requestId).orElseThrow(() -> notFound(requestId));
      // (a document read from a store is the reader's own copy: changed in place)
      ObjectNode before = audited(c) ? Req.of(d).summary() : null;
      Req r = Req.of(d);
      Instant now = c.clock().instant();
      Change ch = change.apply(r, now);
      if (ch == null) {
        return r;
      }
      Req done = commitChange(c, tenant, r, ch, before, now);
      if (done != null) {
        return done;
      }
      if (attempt >= ATTEMPTS) {
        throw new VersionConflictException("approval request " + requestId + " kept changing; try again");
      }
      LOG.debug("approval request {} changed meanwhile; trying again", requestId);
    }
  }

  /** Commits a changed request with its events and audit entry; null when it changed meanwhile (version check). */
  private @Nullable Req commitChange(ModuleContext c, TenantId tenant, Req r, Change ch, @Nullable ObjectNode before,
                                     Instant now) {
    Document next = r.document(r.version + 1);
    WriteBatch.Builder b = WriteBatch.builder().update(REQUESTS, next);
    ch.events().forEach(b::append);
    try {
      commit(c, ch.actor(), b, () -> entry(ch, r, before, next.version(), now));
      return new Req(r.id, next.version(), r.body);
    } catch (VersionConflictException e) {
      return null;
    }
  }

  private static AuditEntry entry(Change ch, Req r, @Nullable ObjectNode before, long version, Instant now) {
    return new AuditEntry.Change(ch.actor(), now, correlation(), ch.action(), ch.command(), RESOURCE_TYPE, r.id,
        version, before, r.summary(), ch.reason(), Outcome.APPLIED, List.of("workflow"), null, r.id);
  }

  private static boolean audited(ModuleContext c) {
    return c.audit() != AuditRecorder.none();
  }

  /** Commits a batch with the audit entry's records (the entry is not even built without a recorder). */
  private static void commit(ModuleContext c, Actor actor, WriteBatch.Builder b,
                             java.util.function.Supplier<AuditEntry> entry) {
    AuditRecorder audit = c.audit();
    List<WriteBatch.Append> records = audit == AuditRecorder.none() ? List.of() : audit.record(entry.get());
    records.forEach(b::append);
    Committed done = c.store().commit(actor.tenant(), b.build());
    if (!records.isEmpty()) {
      audit.committed(actor.tenant(), done.records());
    }
  }

  private Req load(ModuleContext c, TenantId tenant, String requestId) {
    return Req.of(c.store().get(tenant, REQUESTS, requestId).orElseThrow(() -> notFound(requestId)));
  }

  private static NotFoundException notFound(String requestId) {
    return new NotFoundException("no approval request " + requestId);
  }

  private static void requirePending(Req r) {
    if (r.state() != RequestState.PENDING) {
      throw ValidationException.of("requestId", "approval.closed", "approval request " + r.id + " is " + r.state()
          + "; only a pending request takes this");
    }
  }

  private static void requireRequester(Actor actor, Req r, String what) {
    if (!actor.userId().equals(r.requester())) {
      throw new AccessDeniedException(actor.userId() + " may not " + what + " approval request " + r.id + ": only "
          + r.requester() + ", who asked for it, may", List.of("workflow." + what + ".requester"));
    }
  }

  /** An identifier a caller names (a request, a user, a delegation): see {@link TextRules#requireId}. */
  private static String id(String path, @Nullable String value) {
    return TextRules.requireId(path, value, 128, "approval");
  }

  /**
   * The problem of free text a caller gives (a comment, a reason), if any: optional, at most 4,000 characters, and
   * text every store keeps exactly; bidirectional formatting controls only where the host allows them in free text.
   */
  private static Optional<Violation> freeText(ModuleContext c, String path, @Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.length() > 4000) {
      return Optional.of(new Violation(path, "approval." + path + ".length", "a " + path
          + " has at most 4000 characters, not " + value.length()));
    }
    return TextRules.check(path, value, c.allowsBidiControlsInFreeText());
  }

  private static void refuse(Violation v) {
    throw new ValidationException(List.of(v));
  }

  /** The definition a request started under: its own copy, parsed once per copy. */
  private ApprovalDefinition definitionOf(Req r) {
    JsonNode copy = r.body.get("definitionCopy");
    JsonNode def = r.body.path("definition");
    // the copy's own SHA-256, written when the request opened: no need to walk the copy to find it in the cache
    String key = def.hasNonNull("fingerprint") ? def.get("fingerprint").asText()
        : def.path("key").asText() + "@" + def.path("version").asInt() + "#" + copy.hashCode();
    ApprovalDefinition d = copies.get(key);
    if (d == null) {
      d = DefinitionFormat.fromCopy(copy);
      if (copies.size() < 1_000) {
        copies.put(key, d);
      }
    }
    return d;
  }

}
