package dev.rapport.crm;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.approval.ApprovalGate;
import dev.rapport.crm.customer.CustomFieldSchema;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerSettings;
import dev.rapport.crm.customer.Customers;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.interaction.Interactions;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.command.CommandPipeline;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.notify.Notifier;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.notify.OutboxRelay;
import dev.rapport.crm.notify.RelayResult;
import dev.rapport.crm.notify.RetryPolicy;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.CaseFields;
import dev.rapport.crm.servicecase.Cases;
import dev.rapport.crm.servicecase.SlaPolicy;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Store;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.jspecify.annotations.Nullable;

/**
 * Rapport, wired: one immutable, thread-safe instance per application, built with {@link #builder()} naming each
 * part explicitly.
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
public final class Crm {
  private final Store store;
  private final Customers customers;
  private final Interactions interactions;
  private final Cases cases;
  private final List<OutboxRelay> relays;

  private Crm(Builder b, Store store, AccessPolicy policy, AuditRecorder audit) {
    this.store = store;
    List<CollectionSpec> specs = new ArrayList<>(List.of(CustomerFields.SPEC, InteractionFields.SPEC, CaseFields.SPEC));
    specs.addAll(Outbox.collections());
    specs.forEach(store::register);
    List<OutboxRelay> rs = new ArrayList<>();
    for (Notifier n : b.notifiers) {
      rs.add(OutboxRelay.builder().store(store).notifier(n).retryPolicy(b.retryPolicy).clock(b.clock)
          .owner(b.nodeId).leaseTtl(b.leaseTtl).batchSize(100).build());
    }
    this.relays = List.copyOf(rs);
    Validator validator = Validation.byProvider(HibernateValidator.class).configure()
        .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();
    CommandPipeline pipeline = new CommandPipeline(store, policy, audit, b.gate, validator, b.clock,
        b.publishAfterCommit ? this::publish : tenant -> { });
    CustomerSettings settings = new CustomerSettings(b.defaultLifecycle, b.lifecycles, b.defaultCustomFields,
        b.customFields);
    this.customers = new Customers(pipeline, policy, settings);
    this.interactions = new Interactions(pipeline, policy);
    this.cases = new Cases(pipeline, policy, b.sla);
  }

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

  /** The storage kernel this instance writes to (for change-feed readers and modules). */
  public Store store() {
    return store;
  }

  /** The outbox relays, one per notifier; a host that turned off publishing after commit schedules these. */
  public List<OutboxRelay> relays() {
    return relays;
  }

  /**
   * Delivers the tenant's pending outbox events to every notifier now (the same as the after-commit step). Safe to
   * call from several nodes: each relay holds a lease.
   */
  public List<RelayResult> publish(TenantId tenant) {
    List<RelayResult> results = new ArrayList<>();
    for (OutboxRelay r : relays) {
      results.add(r.runOnce(tenant));
    }
    return results;
  }

  /**
   * Wires a {@link Crm}. Each setting may be given once and is checked when given; {@link #build()} says what is
   * missing. Required: {@link #store}, {@link #accessPolicy}, {@link #audit}.
   */
  public static final class Builder {
    private @Nullable Store store;
    private @Nullable AccessPolicy policy;
    private @Nullable AuditRecorder audit;
    private ApprovalGate gate = ApprovalGate.none();
    private boolean gateSet;
    private final List<Notifier> notifiers = new ArrayList<>();
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private Clock clock = Clock.systemUTC();
    private boolean clockSet;
    private String nodeId = "node-" + Ids.uuidV7(Clock.systemUTC());
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Lifecycle defaultLifecycle = Lifecycle.standard();
    private final Map<TenantId, Lifecycle> lifecycles = new LinkedHashMap<>();
    private CustomFieldSchema defaultCustomFields = CustomFieldSchema.none();
    private final Map<TenantId, CustomFieldSchema> customFields = new LinkedHashMap<>();
    private SlaPolicy sla = SlaPolicy.standard();
    private boolean publishAfterCommit = true;

    private Builder() {}

    /** Where everything is stored: {@code InMemoryStore}, {@code JdbcStore}, {@code MongoStore}. */
    public Builder store(Store value) {
      requireUnset(store, "store");
      store = Objects.requireNonNull(value, "store");
      return this;
    }

    /** Who may do what; {@code AccessPolicy.allowAll()} must be chosen explicitly. */
    public Builder accessPolicy(AccessPolicy value) {
      requireUnset(policy, "accessPolicy");
      policy = Objects.requireNonNull(value, "accessPolicy");
      return this;
    }

    /** What is recorded of every command; {@code AuditRecorder.none()} must be chosen explicitly. */
    public Builder audit(AuditRecorder value) {
      requireUnset(audit, "audit");
      audit = Objects.requireNonNull(value, "audit");
      return this;
    }

    /** Which commands need approval first. Default: none. */
    public Builder approvals(ApprovalGate value) {
      if (gateSet) {
        throw new IllegalStateException("approvals was already set");
      }
      gate = Objects.requireNonNull(value, "approvals");
      gateSet = true;
      return this;
    }

    /** Adds a notifier; each gets every outbox event at least once, through its own relay. */
    public Builder notifier(Notifier value) {
      Objects.requireNonNull(value, "notifier");
      if (notifiers.stream().anyMatch(n -> n.name().equals(value.name()))) {
        throw new IllegalStateException("a notifier named '" + value.name() + "' was already added");
      }
      notifiers.add(value);
      return this;
    }

    public Builder retryPolicy(RetryPolicy value) {
      retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /** The clock for timestamps, SLAs, leases and backoff. Default: system UTC. */
    public Builder clock(Clock value) {
      if (clockSet) {
        throw new IllegalStateException("clock was already set");
      }
      clock = Objects.requireNonNull(value, "clock");
      clockSet = true;
      return this;
    }

    /** This node's name, as lease owner. Default: a random one per instance. */
    public Builder nodeId(String value) {
      Objects.requireNonNull(value, "nodeId");
      if (value.isBlank() || value.length() > 100) {
        throw ValidationException.of("nodeId", "nodeId.length", "node id must be 1-100 characters");
      }
      nodeId = value;
      return this;
    }

    public Builder leaseTtl(Duration value) {
      Objects.requireNonNull(value, "leaseTtl");
      if (value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw ValidationException.of("leaseTtl", "leaseTtl.min", "lease ttl must be at least one second");
      }
      leaseTtl = value;
      return this;
    }

    /** The lifecycle of every tenant without its own. Default: {@link Lifecycle#standard()}. */
    public Builder lifecycle(Lifecycle value) {
      defaultLifecycle = Objects.requireNonNull(value, "lifecycle");
      return this;
    }

    public Builder lifecycle(TenantId tenant, Lifecycle value) {
      lifecycles.put(Objects.requireNonNull(tenant, "tenant"), Objects.requireNonNull(value, "lifecycle"));
      return this;
    }

    /** Custom fields allowed for tenants without their own schema. Default: none. */
    public Builder customFields(CustomFieldSchema value) {
      defaultCustomFields = Objects.requireNonNull(value, "customFields");
      return this;
    }

    public Builder customFields(TenantId tenant, CustomFieldSchema value) {
      customFields.put(Objects.requireNonNull(tenant, "tenant"), Objects.requireNonNull(value, "customFields"));
      return this;
    }

    public Builder sla(SlaPolicy value) {
      sla = Objects.requireNonNull(value, "sla");
      return this;
    }

    /**
     * Whether each command delivers its tenant's pending events right after commit, on the caller's thread
     * (default true). Set false to deliver only from {@link Crm#publish} / {@link Crm#relays()} on the host's own
     * scheduler.
     */
    public Builder publishAfterCommit(boolean value) {
      publishAfterCommit = value;
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
      return new Crm(this, Objects.requireNonNull(store), Objects.requireNonNull(policy), Objects.requireNonNull(audit));
    }

    private static void requireUnset(@Nullable Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }
  }
}
