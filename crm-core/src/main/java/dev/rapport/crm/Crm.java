package dev.rapport.crm;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Masking;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.approval.ApprovalGate;
import dev.rapport.crm.approval.ParkedCommands;
import dev.rapport.crm.customer.CustomFieldSchema;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerSettings;
import dev.rapport.crm.customer.Customers;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.interaction.Interactions;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.Publisher;
import dev.rapport.crm.internal.command.ChangeScan;
import dev.rapport.crm.internal.command.CommandPipeline;
import dev.rapport.crm.internal.customer.CustomerService;
import dev.rapport.crm.internal.interaction.InteractionService;
import dev.rapport.crm.internal.servicecase.CaseService;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.module.CrmModule;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.notify.Notifier;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.notify.OutboxRelay;
import dev.rapport.crm.notify.RelayResult;
import dev.rapport.crm.notify.RetryPolicy;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.CaseFields;
import dev.rapport.crm.servicecase.Cases;
import dev.rapport.crm.servicecase.SlaPolicy;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSet;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexSets;
import dev.rapport.crm.store.Store;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rapport, wired: one immutable, thread-safe instance per application, built with {@link #builder()} naming each
 * part explicitly. Close it when the application stops (it owns the thread that delivers events, unless the host
 * gave its own executor).
 *
 * <pre>{@code
 * Crm crm = Crm.builder()
 *     .store(InMemoryStore.create())            // or JdbcStore.h2File(path), JdbcStore.postgres(dataSource), ...
 *     .accessPolicy(AccessPolicy.allowAll())     // never implicit
 *     .audit(AuditRecorder.none())               // never implicit
 *     .notifier(LoggingNotifier.create())        // optional, any number
 *     .build();
 * Actor alice = Actor.of("acme", "alice");
 * Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada Lovelace").build());
 * }</pre>
 */
public final class Crm implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Crm.class);
  /**
   * Hibernate Validator announces itself once per JVM at INFO ("HV000001: Hibernate Validator ...") through
   * jboss-logging, which, without Logback, Log4j 2 or JBoss LogManager on the classpath, logs to java.util.logging:
   * its default console handler prints the line on stderr at the host's first {@code Crm}. That one logger, which
   * carries nothing else, is set to WARNING here unless the host has given it a level. Held in a field because
   * java.util.logging keeps loggers only weakly.
   */
  private static final java.util.logging.Logger VALIDATOR_VERSION = quietValidatorVersion();

  private final Store store;
  private final CustomerService customers;
  private final InteractionService interactions;
  private final CaseService cases;
  private final List<OutboxRelay> relays;
  private final CommandPipeline pipeline;
  private final Masking masking;
  private final Map<String, ResourceType> resourceTypes;
  private final @Nullable ExecutorService ownedExecutor;
  private final Clock clock;
  private final ConcurrentMap<TenantId, ReentrantLock> publishing = new ConcurrentHashMap<>();

  private Crm(Builder b, Store store, AccessPolicy policy, AuditRecorder audit) {
    this.store = store;
    List<CrmModule> modules = b.modules();
    CustomerSettings settings = new CustomerSettings(b.defaultLifecycle, b.lifecycles, b.defaultCustomFields,
        b.customFields);
    Map<String, IndexSpec> customFields = settings.indexedCustomFields();
    List<CollectionSpec> specs = new ArrayList<>(List.of(withCustomFields(CustomerFields.SPEC, customFields),
        InteractionFields.SPEC, CaseFields.SPEC));
    specs.addAll(Outbox.collections());
    specs.add(CommandPipeline.PARKED);
    for (CrmModule m : modules) {
      specs.addAll(m.collections());
    }
    checkCollectionNames(specs);
    specs = withIndexSets(specs, b.indexes, IndexSet.of(customFields.keySet().toArray(String[]::new)));
    specs.forEach(store::register);
    Map<String, CollectionSpec> registered = new LinkedHashMap<>();
    specs.forEach(s -> registered.put(s.name(), s));
    List<OutboxRelay> rs = new ArrayList<>();
    for (Notifier n : b.notifiers) {
      rs.add(OutboxRelay.builder().store(store).notifier(n).retryPolicy(b.retryPolicy).clock(b.clock)
          .owner(b.nodeId).leaseTtl(b.leaseTtl).batchSize(100).build());
    }
    this.relays = List.copyOf(rs);

    this.clock = b.clock;
    Consumer<TenantId> afterCommit;
    if (!b.publishAfterCommit || relays.isEmpty()) {
      afterCommit = tenant -> { };
      ownedExecutor = null;
    } else {
      // one daemon thread: it runs deliveries unless the host gave an executor, and the retries deliveries ask for
      ScheduledThreadPoolExecutor owned = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "rapport-publisher-" + b.nodeId);
        t.setDaemon(true);
        return t;
      });
      owned.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      owned.setRemoveOnCancelPolicy(true);
      ownedExecutor = owned;
      afterCommit = new Publisher(b.publishExecutor != null ? b.publishExecutor : owned, owned,
          this::deliverAndPlan, b.clock);
    }
    Validator validator = Validation.byProvider(HibernateValidator.class).configure()
        .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();
    this.pipeline = new CommandPipeline(store, policy, audit, b.gate, validator, b.clock, afterCommit,
        b.bidiControlsInFreeText, registered);
    this.customers = new CustomerService(pipeline, settings);
    this.interactions = new InteractionService(pipeline);
    this.cases = new CaseService(pipeline, b.sla);
    this.masking = Masking.of(policy);
    Map<String, ResourceType> types = new LinkedHashMap<>();
    for (ResourceType t : List.of(CustomerFields.TYPE, InteractionFields.TYPE, CaseFields.TYPE)) {
      types.put(t.name(), t);
    }
    this.resourceTypes = Map.copyOf(types);

    ModuleContext context = new Context(store, b.clock, b.nodeId, b.directory, audit, masking, pipeline,
        resourceTypes, b.bidiControlsInFreeText);
    for (CrmModule m : modules) {
      m.start(context);
    }
  }

  private static java.util.logging.Logger quietValidatorVersion() {
    java.util.logging.Logger banner =
        java.util.logging.Logger.getLogger("org.hibernate.validator.internal.util.Version");
    if (banner.getLevel() == null) {
      banner.setLevel(java.util.logging.Level.WARNING);
    }
    return banner;
  }

  /**
   * Each collection with the host's index set for it, if any, joined with what must stay indexed: for customers and
   * cases the fields Rapport's own queries use ({@code ALWAYS_INDEXED}, and for customers the {@code custom} fields
   * tenants' schemas index), for a module's collections every index the
   * module declares (a host adds to them, never removes). An index set for no collection of this {@code Crm} is a
   * mistake, refused naming it.
   */
  private static List<CollectionSpec> withIndexSets(List<CollectionSpec> specs, Map<String, IndexSet> sets,
                                                   IndexSet custom) {
    Map<String, IndexSet> required = Map.of(CustomerFields.COLLECTION, CustomerFields.ALWAYS_INDEXED.union(custom),
        CaseFields.COLLECTION, CaseFields.ALWAYS_INDEXED, InteractionFields.COLLECTION, IndexSet.none());
    List<ValidationException.Violation> unknown = new ArrayList<>();
    Set<String> names = new HashSet<>();
    specs.forEach(s -> names.add(s.name()));
    for (String name : sets.keySet()) {
      if (!names.contains(name)) {
        unknown.add(new ValidationException.Violation("indexes." + name, "collection.unknown",
            "an index set is given for collection '" + name + "', which this Crm does not have; its collections: "
                + new TreeSet<>(names)));
      }
    }
    if (!unknown.isEmpty()) {
      throw new ValidationException(unknown);
    }
    List<CollectionSpec> out = new ArrayList<>(specs.size());
    for (CollectionSpec s : specs) {
      IndexSet chosen = sets.get(s.name());
      out.add(chosen == null ? s : s.withIndexes(chosen.union(required.getOrDefault(s.name(), s.indexSet()))));
    }
    return out;
  }

  /**
   * The customers' fields with the custom fields some tenant's schema indexes ({@link CustomerFields#custom}), each
   * indexed alone.
   */
  private static CollectionSpec withCustomFields(CollectionSpec customers, Map<String, IndexSpec> custom) {
    if (custom.isEmpty()) {
      return customers;
    }
    List<IndexSpec> fields = new ArrayList<>(customers.indexes());
    fields.addAll(custom.values());
    return new CollectionSpec(customers.name(), fields,
        customers.indexSet().with(custom.keySet().toArray(String[]::new)));
  }

  private static void checkCollectionNames(List<CollectionSpec> specs) {
    Set<String> seen = new HashSet<>();
    for (CollectionSpec s : specs) {
      if (!seen.add(s.name())) {
        throw new IllegalStateException("two parts of this Crm declare a collection named '" + s.name()
            + "'; each module needs collections of its own");
      }
    }
  }

  private record Context(Store store, Clock clock, String nodeId, Directory directory, AuditRecorder audit,
                         Masking masking, ParkedCommands parkedCommands, Map<String, ResourceType> resourceTypes,
                         boolean allowsBidiControlsInFreeText)
      implements ModuleContext {}

  public static Builder builder() {
    return new Builder();
  }

  public Customers customers() {
    return customers;
  }

  public Interactions interactions() {
    return interactions;
  }

  public Cases cases() {
    return cases;
  }

  /** The storage kernel this instance writes to (for modules and tools working on the storage SPI). */
  public Store store() {
    return store;
  }

  /**
   * The system-level change feed of one collection of a tenant ({@code "customers"}, {@code "interactions"},
   * {@code "cases"}, or a module's): at most {@code limit} (1–1000) changes after {@code after}, oldest first, and
   * the position to read on from, past changes of other collections too. Persist {@link ChangeBatch#next()}
   * ({@link FeedPosition#encode()}) to resume after a restart: no committed change after it is ever missed, even
   * under concurrent writers on several nodes.
   *
   * <p>This is for trusted code of the host acting for the system, not for a user: incremental backup, sync to an
   * ERP, cache invalidation across nodes. It takes a tenant, not an actor, so no access policy narrows it and no
   * read is audited; it returns metadata only (collection, id, version, kind, commit time, position), never a
   * record's content, which is read through the services and so through an actor's access. A user-facing feed,
   * narrowed to what the actor may view and audited, is {@code crm.customers().changes(actor, after, limit)} (and
   * the same on interactions and cases).
   *
   * <pre>{@code
   * ChangeBatch batch = crm.changes(tenant, CustomerFields.COLLECTION, FeedPosition.decode(saved), 1000);
   * backup.mark(batch.changes());
   * saved = batch.next().encode();
   * }</pre>
   *
   * @throws ValidationException for an unknown collection ({@code collection.unknown}) or a limit out of range
   */
  public ChangeBatch changes(TenantId tenant, String collection, FeedPosition after, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    if (store.collections().stream().noneMatch(c -> c.name().equals(collection))) {
      throw ValidationException.of("collection", "collection.unknown", "no collection named '" + collection
          + "' is registered");
    }
    return ChangeScan.read(store, tenant, collection, after, limit,
        changes -> changes.stream().map(Change::id).collect(Collectors.toSet()));
  }

  /**
   * Computes the index values of every customer, interaction and case of {@code tenant} again from the stored records
   * and has the store rewrite them. Run it, for each tenant holding records, after a change that gives stored
   * records index values they do not have yet: a custom field a tenant's {@link CustomFieldSchema} newly marks
   * {@code indexed} (until then, criteria and sorts on it do not see the customers stored before; the SQL stores
   * log the fields a collection gained when it starts). Trusted system code: no access policy, no audit,
   * no change-feed entries, bodies and versions untouched. Safe while commands run (a record changed meanwhile
   * keeps the values its command wrote) and safe to run again; reads and rewrites {@code 500} records at a time.
   *
   * <pre>{@code
   * for (TenantId tenant : myTenants) {
   *   crm.reindex(tenant);
   * }
   * }</pre>
   *
   * @return how many records were rewritten, by collection
   */
  public Map<String, Long> reindex(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    Map<String, Long> out = new LinkedHashMap<>();
    out.put(CustomerFields.COLLECTION, customers.reindex(tenant));
    out.put(InteractionFields.COLLECTION, interactions.reindex(tenant));
    out.put(CaseFields.COLLECTION, cases.reindex(tenant));
    return out;
  }

  /** The outbox relays, one per notifier; a host that turned off publishing after commit schedules these. */
  public List<OutboxRelay> relays() {
    return relays;
  }

  /** Runs approved parked commands; see {@link ParkedCommands}. For hosts with an approval gate of their own. */
  public ParkedCommands parkedCommands() {
    return pipeline;
  }

  /** Field-level security as the access policy decides it, for what the host shows besides Rapport's reads. */
  public Masking masking() {
    return masking;
  }

  /** The resource types commands and reads act on (customer, interaction, case), by name. */
  public Map<String, ResourceType> resourceTypes() {
    return resourceTypes;
  }

  /**
   * Delivers the tenant's pending outbox events to every notifier now, on the calling thread (the same as the
   * after-commit step). Safe to call from several nodes: each relay holds a lease.
   */
  public List<RelayResult> publish(TenantId tenant) {
    return oneRunAtATime(tenant, () -> {
      List<RelayResult> results = new ArrayList<>();
      for (OutboxRelay r : relays) {
        results.add(r.runOnce(tenant));
      }
      return results;
    });
  }

  /** One delivery run per tenant at a time in this JVM (the relays' leases keep other nodes out). */
  private <T> T oneRunAtATime(TenantId tenant, Supplier<T> run) {
    ReentrantLock lock = publishing.computeIfAbsent(tenant, t -> new ReentrantLock());
    lock.lock();
    try {
      return run.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The after-commit run: every relay, each on its own (one relay's store failure does not stop the others), and
   * when the earliest of them wants to run again by itself: a failed event's next attempt, the expiry of a lease
   * another node holds, or shortly after a failure.
   */
  private Optional<Instant> deliverAndPlan(TenantId tenant) {
    return oneRunAtATime(tenant, () -> {
      Instant next = null;
      for (OutboxRelay r : relays) {
        Instant again;
        try {
          RelayResult result = r.runOnce(tenant);
          // a failure, or a run that found the head of the line still waiting: run again at its next attempt
          boolean waiting = result.failed() > 0 || result.delivered() + result.deadLettered() == 0;
          again = result.leaseHeldElsewhere() ? clock.instant().plus(r.leaseTtl())
              : waiting ? r.nextAttemptAt(tenant).orElse(null) : null;
        } catch (RuntimeException e) {
          LOG.warn("delivery to '{}' for tenant {} failed; retrying shortly: {}", r.leaseName(), tenant,
              e.toString());
          again = clock.instant().plus(Publisher.AFTER_FAILURE);
        }
        if (again != null && (next == null || again.isBefore(next))) {
          next = again;
        }
      }
      return Optional.ofNullable(next);
    });
  }

  /**
   * Stops the delivery thread this instance owns (if any), letting a delivery in progress finish for up to ten
   * seconds. Events not delivered yet stay in the outbox for the next run. Commands still work after close; only
   * delivery after commit stops. The store and any executor the host gave are not closed.
   */
  @Override
  public void close() {
    if (ownedExecutor == null) {
      return;
    }
    ownedExecutor.shutdown();
    try {
      if (!ownedExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("a delivery was still running after 10 s; interrupting it (its events stay in the outbox)");
        ownedExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      ownedExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Wires a {@link Crm}. Each setting may be given once and is checked when given: a second call for the same
   * setting (or the same tenant, notifier name or module name) is an {@link IllegalStateException} naming it.
   * {@link #build()} says what is missing. Required: {@link #store}, {@link #accessPolicy}, {@link #audit}.
   */
  public static final class Builder {
    private @Nullable Store store;
    private @Nullable AccessPolicy policy;
    private @Nullable AuditRecorder audit;
    private ApprovalGate gate = ApprovalGate.none();
    private Directory directory = Directory.none();
    private final List<Notifier> notifiers = new ArrayList<>();
    private final List<CrmModule> modules = new ArrayList<>();
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private Clock clock = Clock.systemUTC();
    private String nodeId = "node-" + Ids.uuidV7(Clock.systemUTC());
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Lifecycle defaultLifecycle = Lifecycle.standard();
    private final Map<TenantId, Lifecycle> lifecycles = new LinkedHashMap<>();
    private CustomFieldSchema defaultCustomFields = CustomFieldSchema.none();
    private final Map<TenantId, CustomFieldSchema> customFields = new LinkedHashMap<>();
    private SlaPolicy sla = SlaPolicy.standard();
    private boolean publishAfterCommit = true;
    private boolean bidiControlsInFreeText;
    private final Map<String, IndexSet> indexes = new LinkedHashMap<>();
    private @Nullable Executor publishExecutor;
    private final Set<String> given = new HashSet<>();

    private Builder() {}

    private void once(String setting) {
      if (!given.add(setting)) {
        throw new IllegalStateException(setting + " was already set");
      }
    }

    /** Where everything is stored: {@code InMemoryStore}, {@code JdbcStore}, {@code MongoStore}. */
    public Builder store(Store value) {
      Objects.requireNonNull(value, "store");
      once("store");
      store = value;
      return this;
    }

    /** Who may do what; {@code AccessPolicy.allowAll()} must be chosen explicitly. */
    public Builder accessPolicy(AccessPolicy value) {
      Objects.requireNonNull(value, "accessPolicy");
      once("accessPolicy");
      policy = value;
      return this;
    }

    /** What is recorded of every command; {@code AuditRecorder.none()} must be chosen explicitly. */
    public Builder audit(AuditRecorder value) {
      Objects.requireNonNull(value, "audit");
      once("audit");
      audit = value;
      return this;
    }

    /** Which commands need approval first. Default: none. */
    public Builder approvals(ApprovalGate value) {
      Objects.requireNonNull(value, "approvals");
      once("approvals");
      gate = value;
      return this;
    }

    /** Who manages whom, who holds a role or is in a team (for approval routing). Default: {@link Directory#none()}. */
    public Builder directory(Directory value) {
      Objects.requireNonNull(value, "directory");
      once("directory");
      directory = value;
      return this;
    }

    /**
     * Adds a module: its collections are registered with the store and it is started with a
     * {@link ModuleContext} when the instance is built. Ports given to this builder that are modules too are added
     * without this call.
     */
    public Builder module(CrmModule value) {
      Objects.requireNonNull(value, "module");
      once("module '" + value.name() + "'");
      modules.add(value);
      return this;
    }

    /** Adds a notifier; each gets every outbox event at least once, through its own relay. */
    public Builder notifier(Notifier value) {
      Objects.requireNonNull(value, "notifier");
      once("notifier '" + value.name() + "'");
      notifiers.add(value);
      return this;
    }

    /** How the relays retry a failing notifier. Default: {@link RetryPolicy#ofDefaults()}. */
    public Builder retryPolicy(RetryPolicy value) {
      Objects.requireNonNull(value, "retryPolicy");
      once("retryPolicy");
      retryPolicy = value;
      return this;
    }

    /** The clock for timestamps, SLAs, leases and backoff. Default: system UTC. */
    public Builder clock(Clock value) {
      Objects.requireNonNull(value, "clock");
      once("clock");
      clock = value;
      return this;
    }

    /** This node's name, as lease owner. Default: a random one per instance. */
    public Builder nodeId(String value) {
      Objects.requireNonNull(value, "nodeId");
      if (value.isBlank() || value.length() > 100) {
        throw ValidationException.of("nodeId", "nodeId.length", "node id must be 1-100 characters");
      }
      once("nodeId");
      nodeId = value;
      return this;
    }

    /** How long a relay's lease lasts before another node may take over. Default: 30 s; at least 1 s. */
    public Builder leaseTtl(Duration value) {
      Objects.requireNonNull(value, "leaseTtl");
      if (value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw ValidationException.of("leaseTtl", "leaseTtl.min", "lease ttl must be at least one second");
      }
      once("leaseTtl");
      leaseTtl = value;
      return this;
    }

    /** The lifecycle of every tenant without its own. Default: {@link Lifecycle#standard()}. */
    public Builder lifecycle(Lifecycle value) {
      Objects.requireNonNull(value, "lifecycle");
      once("lifecycle");
      defaultLifecycle = value;
      return this;
    }

    /** The lifecycle of one tenant. */
    public Builder lifecycle(TenantId tenant, Lifecycle value) {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(value, "lifecycle");
      once("lifecycle of tenant " + tenant);
      lifecycles.put(tenant, value);
      return this;
    }

    /** Custom fields allowed for tenants without their own schema. Default: none. */
    public Builder customFields(CustomFieldSchema value) {
      Objects.requireNonNull(value, "customFields");
      once("customFields");
      defaultCustomFields = value;
      return this;
    }

    /** The custom-field schema of one tenant. */
    public Builder customFields(TenantId tenant, CustomFieldSchema value) {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(value, "customFields");
      once("customFields of tenant " + tenant);
      customFields.put(tenant, value);
      return this;
    }

    /** How long cases of each priority have. Default: {@link SlaPolicy#standard()}. */
    public Builder sla(SlaPolicy value) {
      Objects.requireNonNull(value, "sla");
      once("sla");
      sla = value;
      return this;
    }

    /**
     * Whether each commit schedules delivery of its tenant's pending events (default true). Delivery never runs on
     * the thread that ran the command: it runs on {@link #publishOn the host's executor}, or else on one thread
     * this instance owns and stops on {@link Crm#close()}. Set false to deliver only from {@link Crm#publish} /
     * {@link Crm#relays()} on the host's own scheduler.
     */
    public Builder publishAfterCommit(boolean value) {
      once("publishAfterCommit");
      publishAfterCommit = value;
      return this;
    }

    /**
     * Whether bidirectional formatting controls (U+202E and friends, refused as {@code text.bidi} by default) are
     * accepted in free text — the fields their resource type catalogues as {@code FieldCatalog.Kind.FREE_TEXT}: an
     * interaction's summary and outcome, a case's description, resolution and feedback (default false). Names,
     * tags, identifiers and every other field refuse them whatever this says, so that no record can display as
     * something it is not.
     */
    public Builder allowBidiControlsInFreeText(boolean value) {
      once("allowBidiControlsInFreeText");
      bidiControlsInFreeText = value;
      return this;
    }

    /**
     * The indexes of one collection: which of its fields are indexed, alone or in composite indexes for the host's
     * list views. Criteria and sorts may name only indexed fields. Without this, a collection keeps its default set
     * ({@link CustomerFields#DEFAULT_INDEXES} for customers; every field, each alone, for interactions and cases).
     * Whatever the set says, the fields Rapport's own queries need stay indexed ({@link
     * CustomerFields#ALWAYS_INDEXED}, {@link CaseFields#ALWAYS_INDEXED}), as do unique fields and, for a module's
     * collections, the indexes the module declares. The store creates what is missing when this {@code Crm} starts
     * and drops what the set no longer holds (see the adapters' READMEs for how, on a live database).
     */
    public Builder indexes(String collection, IndexSet value) {
      Objects.requireNonNull(collection, "collection");
      Objects.requireNonNull(value, "indexes");
      once("indexes of collection " + collection);
      indexes.put(collection, value);
      return this;
    }

    /** The index sets of several collections, e.g. as read by {@link IndexSets#fromJson}. */
    public Builder indexes(Map<String, IndexSet> value) {
      Objects.requireNonNull(value, "indexes");
      value.forEach(this::indexes);
      return this;
    }

    /** The executor deliveries after commit run on (the host's; never shut down by Rapport). */
    public Builder publishOn(Executor value) {
      Objects.requireNonNull(value, "publishOn");
      once("publishOn");
      publishExecutor = value;
      return this;
    }

    public Crm build() {
      List<String> missing = new ArrayList<>();
      if (store == null) {
        missing.add(".store(...) — e.g. InMemoryStore.create() or JdbcStore.h2File(path)");
      }
      if (policy == null) {
        missing.add(".accessPolicy(...) — e.g. AccessPolicy.allowAll() if the host enforces access itself");
      }
      if (audit == null) {
        missing.add(".audit(...) — e.g. AuditRecorder.none() to record nothing");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("Crm.builder() is missing: " + String.join("; ", missing));
      }
      if (!publishAfterCommit && publishExecutor != null) {
        throw new IllegalStateException("publishOn(...) was given but publishAfterCommit(false) turns delivery "
            + "after commit off; give one or the other");
      }
      return new Crm(this, Objects.requireNonNull(store), Objects.requireNonNull(policy), Objects.requireNonNull(audit));
    }

    /** The modules given, then the ports that are modules too, each once. */
    private List<CrmModule> modules() {
      List<CrmModule> all = new ArrayList<>(modules);
      for (Object port : new Object[] {policy, audit, gate, directory}) {
        if (port instanceof CrmModule m && all.stream().noneMatch(x -> x == m)) {
          if (all.stream().anyMatch(x -> x.name().equals(m.name()))) {
            throw new IllegalStateException("two modules are named '" + m.name() + "'");
          }
          all.add(m);
        }
      }
      return all;
    }
  }
}
