package dev.rapport.crm.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.error.ApprovalRejectedException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jspecify.annotations.Nullable;

/**
 * Separation of duties under random use: users u0..u5 ask for credit-limit raises, vote (themselves, for whoever
 * delegated to them, on behalf of someone), delegate (some delegations over or not yet begun), revoke, recall,
 * resubmit, reassign (as the candidate or as an administrator), gain and lose roles (the requester too, after
 * asking), change managers, and let timers fire. Whatever happens, nobody decides their own request, nobody decides
 * in two steps of one request, nobody votes twice in a step, every approved request ran its command once, and every
 * pending request locks its record. The examples at the end pin down how a vote cast on behalf of someone
 * ({@code Actor.onBehalfOf}) and a vote a delegate cast count towards those rules.
 */
class SeparationOfDutiesPropertyTest {
  static final int USERS = 6;
  static final int CUSTOMERS = 3;
  static final String FINANCE = "finance";
  static final String ADMIN = "wf-admin";

  /** Over all tries: that runs got somewhere, so the invariants were not checked over nothing. */
  static final Map<String, AtomicInteger> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

  static void seen(String what) {
    SEEN.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  static String user(int i) {
    return "u" + i;
  }

  // ---- the world ---------------------------------------------------------------------------------------------------

  /** A directory the run changes as it goes: {@code Directory.inMemory()} is immutable. */
  static final class MutableDirectory implements Directory {
    final Map<String, String> managers = new HashMap<>();
    final Map<String, Set<String>> roles = new HashMap<>();

    @Override
    public List<String> managerChain(TenantId tenant, String userId) {
      Set<String> chain = new LinkedHashSet<>();
      String m = managers.get(userId);
      while (m != null && !m.equals(userId) && chain.add(m)) {
        m = managers.get(m);
      }
      return List.copyOf(chain);
    }

    @Override
    public Set<String> membersOfRole(TenantId tenant, String role) {
      return Set.copyOf(roles.getOrDefault(role, Set.of()));
    }

    @Override
    public Set<String> membersOfTeam(TenantId tenant, String team) {
      return Set.of();
    }
  }

  enum Rule { FINANCE, MANAGER, MANAGER_2, USERS, OWNER }

  /** One step: its approver rules, the users a USERS rule names, its mode (-1 all, 0 any, n of m), a time limit. */
  record StepSpec(List<Rule> rules, List<Integer> users, int mode, OnExpiry.@Nullable Action expiry) {
    ApprovalStep build(String name, @Nullable String skipIf) {
      ApprovalStep.Builder b = ApprovalStep.named(name);
      for (Rule r : rules) {
        b.approvers(switch (r) {
          case FINANCE -> Approvers.role(FINANCE);
          case MANAGER -> Approvers.manager();
          case MANAGER_2 -> Approvers.manager(2);
          case USERS -> Approvers.users(users.stream().map(SeparationOfDutiesPropertyTest::user)
              .toArray(String[]::new));
          case OWNER -> Approvers.field("owner");
        });
      }
      // n of named users alone is at most their number (more is refused when the definition is built); with a role,
      // a manager or a field, n may exceed the candidates a request finds
      int n = rules.stream().allMatch(r -> r == Rule.USERS) ? Math.min(mode, (int) users.stream().distinct().count())
          : mode;
      b.mode(mode < 0 ? DecisionMode.all() : mode == 0 || n == 0 ? DecisionMode.any() : DecisionMode.nOf(n));
      if (skipIf != null) {
        b.skipIf(skipIf);
      }
      if (expiry != null) {
        b.timeLimit(Duration.ofHours(8), switch (expiry) {
          case ESCALATE -> OnExpiry.escalateTo(Approvers.role(FINANCE), Approvers.manager(2));
          case REMIND -> OnExpiry.remind();
          case APPROVE -> OnExpiry.approve();
          case REJECT -> OnExpiry.reject();
        });
      }
      return b.build();
    }
  }

  /** The world a run starts from. */
  record Setup(StepSpec first, StepSpec second, boolean skipSmallRaises, List<Integer> managers,
               List<Integer> finance, List<Integer> owners) {
    ApprovalDefinition definition() {
      return ApprovalDefinition.builder("credit-limit", 1)
          .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
              .when("resource.creditLimit.amount > 100000"))
          .step(first.build("first", null))
          .step(second.build("second", skipSmallRaises ? "resource.creditLimit.amount < 104000" : null))
          .build();
    }
  }

  // ---- what a run does ---------------------------------------------------------------------------------------------

  /** Indexes pick users, customers, requests and delegations (modulo how many there are), so shrinking stays valid. */
  sealed interface Op {}

  /** {@code user} (on behalf of {@code onBehalfOf}, -1 for none) asks to raise a customer's credit limit. */
  record Ask(int user, int onBehalfOf, int customer) implements Op {}

  /** Anyone votes, on behalf of someone or not. */
  record Vote(int user, int onBehalfOf, int request, boolean approve) implements Op {}

  /** An open candidate of the request's current step votes, or someone they delegated to. */
  record CandidateVote(int request, int candidate, boolean viaDelegate, boolean approve) implements Op {}

  record Delegate(int delegator, int delegate, int startsInHours, int forHours) implements Op {}

  /** An open candidate of the request's current step goes out of office, from now on. */
  record CandidateDelegates(int request, int candidate, int delegate) implements Op {}

  record Revoke(int delegation, int user, boolean delegator, boolean admin) implements Op {}

  /** {@code user} -1: the requester. */
  record Recall(int request, int user) implements Op {}

  /** {@code user} -1: the requester, as they asked (with whom they acted for). */
  record Resubmit(int request, int user) implements Op {}

  /** {@code user} -1: the candidate handing over their own task. */
  record Reassign(int request, int from, int to, int user, boolean admin) implements Op {}

  record RoleChange(int user, boolean grant) implements Op {}

  record RequesterGainsFinance(int request) implements Op {}

  /** {@code manager} -1: none. */
  record ManagerChange(int user, int manager) implements Op {}

  /** Time passes, and the host's timer sweep runs (as a host runs it every few seconds). */
  record Advance(int hours) implements Op {}

  /** A request as the run knows it: who asked and whom they acted for, for which customer. */
  record Asked(String id, String requester, @Nullable String onBehalfOf, int customer) {
    Set<String> requesters() {
      Set<String> r = new HashSet<>(Set.of(requester));
      if (onBehalfOf != null) {
        r.add(onBehalfOf);
      }
      return r;
    }
  }

  static final class Run {
    final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
    final TenantId tenant = TenantId.of("sod");
    final InMemoryStore store = InMemoryStore.create(clock);
    final MutableDirectory directory = new MutableDirectory();
    final Workflow workflow;
    final Crm crm;
    final List<String> customers = new ArrayList<>();
    final Map<String, Long> createdVersions = new HashMap<>();
    final List<Asked> requests = new ArrayList<>();
    final List<Delegation> delegations = new ArrayList<>();
    int raises;

    Run(Setup setup) {
      for (int i = 0; i < USERS; i++) {
        int m = setup.managers().get(i);
        if (m >= 0 && m != i) {
          directory.managers.put(user(i), user(m));
        }
      }
      setup.finance().forEach(i -> directory.roles.computeIfAbsent(FINANCE, k -> new TreeSet<>()).add(user(i)));
      workflow = Workflow.builder().definition(setup.definition()).administratorRole(ADMIN).build();
      crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
          .directory(directory).approvals(workflow).clock(clock).publishAfterCommit(false).build();
      for (int i = 0; i < CUSTOMERS; i++) {
        Customer c = crm.customers().create(Actor.of(tenant, "creator"), CustomerData.builder(
            CustomerKind.ORGANIZATION, "Tea Co " + i).grade("B").owner(user(setup.owners().get(i)))
            .creditLimit("50000", "CNY").build());
        customers.add(c.id());
        createdVersions.put(c.id(), c.version());
      }
    }

    Actor actor(int user, int onBehalfOf, boolean admin) {
      return new Actor(user(user), tenant, admin ? Set.of(ADMIN) : Set.of(), Map.of(),
          onBehalfOf < 0 ? null : user(onBehalfOf));
    }

    Optional<Asked> request(int pick) {
      return requests.isEmpty() ? Optional.empty() : Optional.of(requests.get(Math.floorMod(pick, requests.size())));
    }

    /** The current step's candidates who have not voted, when the request is pending. */
    List<String> open(Asked a) {
      ApprovalRequest r = workflow.request(tenant, a.id());
      if (r.state() != RequestState.PENDING) {
        return List.of();
      }
      List<String> open = new ArrayList<>(r.step().candidates());
      r.step().votes().forEach(v -> open.remove(v.onBehalfOf()));
      return open;
    }

    void track(String id, Actor asker, int customer) {
      Asked a = new Asked(id, asker.userId(), asker.onBehalfOf(), customer);
      requests.add(a);
    }

    void apply(Op op) {
      try {
        if (op instanceof Ask a) {
          Actor asker = actor(a.user(), a.onBehalfOf(), false);
          int customer = Math.floorMod(a.customer(), CUSTOMERS);
          String amount = String.valueOf(101_000 + 1_000 * raises++);
          try {
            crm.customers().changeCreditLimit(asker, customers.get(customer), Money.of(amount, "CNY"), "raise");
            throw new AssertionError("a raise above 100,000 applied without approval");
          } catch (ApprovalPendingException pending) {
            track(pending.requestId(), asker, customer);
          }
        } else if (op instanceof Vote v) {
          request(v.request()).ifPresent(a -> vote(actor(v.user(), v.onBehalfOf(), false), a, v.approve()));
        } else if (op instanceof CandidateVote v) {
          request(v.request()).ifPresent(a -> {
            List<String> open = open(a);
            if (open.isEmpty()) {
              return;
            }
            String candidate = open.get(Math.floorMod(v.candidate(), open.size()));
            // a delegate who is no candidate themselves votes for the candidate (a candidate votes for themselves)
            List<String> candidates = workflow.request(tenant, a.id()).step().candidates();
            String voter = !v.viaDelegate() ? candidate : workflow.delegations(tenant, candidate).stream()
                .filter(d -> d.delegator().equals(candidate) && d.activeAt(clock.instant()))
                .map(Delegation::delegate).min(java.util.Comparator.comparing(candidates::contains))
                .orElse(candidate);
            vote(Actor.of(tenant, voter), a, v.approve());
          });
        } else if (op instanceof Delegate d) {
          Instant from = clock.instant().plus(Duration.ofHours(d.startsInHours()));
          delegations.add(workflow.delegate(Actor.of(tenant, user(d.delegator())), user(d.delegate()), from,
              from.plus(Duration.ofHours(d.forHours())), "away"));
          seen("delegation");
        } else if (op instanceof CandidateDelegates d) {
          request(d.request()).ifPresent(a -> {
            List<String> open = open(a);
            if (!open.isEmpty()) {
              Instant now = clock.instant();
              delegations.add(workflow.delegate(Actor.of(tenant, open.get(Math.floorMod(d.candidate(), open.size()))),
                  user(d.delegate()), now, now.plus(Duration.ofDays(1)), "out of office"));
              seen("delegation");
            }
          });
        } else if (op instanceof Revoke r) {
          if (!delegations.isEmpty()) {
            Delegation d = delegations.get(Math.floorMod(r.delegation(), delegations.size()));
            Actor by = r.delegator() ? Actor.of(tenant, d.delegator()) : actor(r.user(), -1, r.admin());
            workflow.revokeDelegation(by, d.id(), "back");
            seen("revoked");
          }
        } else if (op instanceof Recall r) {
          request(r.request()).ifPresent(a -> {
            workflow.recall(r.user() < 0 ? Actor.of(tenant, a.requester()) : actor(r.user(), -1, false), a.id(),
                "changed my mind");
            seen("recalled");
          });
        } else if (op instanceof Resubmit r) {
          request(r.request()).ifPresent(a -> {
            Actor asker = r.user() < 0 ? new Actor(a.requester(), tenant, Set.of(), Map.of(), a.onBehalfOf())
                : actor(r.user(), -1, false);
            workflow.resubmit(asker, a.id()).ifPresent(n -> {
              track(n.id(), asker, a.customer());
              seen("resubmitted");
            });
          });
        } else if (op instanceof Reassign r) {
          request(r.request()).ifPresent(a -> {
            List<String> open = open(a);
            String from = open.isEmpty() ? user(Math.floorMod(r.from(), USERS))
                : open.get(Math.floorMod(r.from(), open.size()));
            Actor by = r.user() < 0 ? Actor.of(tenant, from) : actor(r.user(), -1, r.admin());
            workflow.reassign(by, a.id(), from, user(r.to()), "busy");
            seen(r.user() < 0 ? "reassigned by the candidate" : "reassigned by someone else");
          });
        } else if (op instanceof RoleChange r) {
          Set<String> members = directory.roles.computeIfAbsent(FINANCE, k -> new TreeSet<>());
          if (r.grant()) {
            members.add(user(r.user()));
          } else {
            members.remove(user(r.user()));
          }
        } else if (op instanceof RequesterGainsFinance r) {
          request(r.request()).ifPresent(a ->
              directory.roles.computeIfAbsent(FINANCE, k -> new TreeSet<>()).add(a.requester()));
        } else if (op instanceof ManagerChange m) {
          if (m.manager() < 0 || m.manager() == m.user()) {
            directory.managers.remove(user(m.user()));
          } else {
            directory.managers.put(user(m.user()), user(m.manager()));
          }
        } else if (op instanceof Advance a) {
          clock.advance(Duration.ofHours(a.hours()));
          if (workflow.sweep(tenant).fired() > 0) {
            seen("timer fired");
          }
        }
      } catch (AccessDeniedException e) {
        if (e.decidingRules().stream().anyMatch(rule -> rule.startsWith("workflow.sod."))) {
          seen("refused by separation of duties");
        }
      } catch (ValidationException | ApprovalRejectedException e) {
        // a legitimate refusal: a closed request, a locked record, a step without approvers, a bad delegation
      }
    }

    void vote(Actor voter, Asked a, boolean approve) {
      ApprovalRequest r = approve ? workflow.approve(voter, a.id(), null) : workflow.reject(voter, a.id(), null);
      if (voter.onBehalfOf() != null) {
        seen("voted on behalf of someone");
      }
      seen(approve ? "approved a step" : "rejected a step");
      if (r.state() == RequestState.APPROVED) {
        seen("approved a request");
      }
    }

    // ---- the invariants --------------------------------------------------------------------------------------------

    void check() {
      Map<Integer, Integer> ran = new HashMap<>();
      for (Asked a : requests) {
        ApprovalRequest r = workflow.request(tenant, a.id());
        assertThat(r.requester()).isEqualTo(a.requester());
        Set<String> requesters = a.requesters();
        Map<String, String> stepOf = new HashMap<>();
        for (ApprovalRequest.StepState s : r.steps()) {
          Set<String> voters = new HashSet<>();
          Set<String> votedFor = new HashSet<>();
          for (ApprovalRequest.Vote v : s.votes()) {
            assertThat(requesters).as("%s: %s decided the request %s asked for", a.id(), v, requesters)
                .doesNotContain(v.by(), v.onBehalfOf());
            if (v.by().equals(Workflow.TIMER)) {
              continue;
            }
            if (!v.by().equals(v.onBehalfOf())) {
              seen("voted for a delegator");
            }
            // nobody votes twice in a step, and no candidate's vote is cast twice (themselves or by a delegate);
            // someone whose vote a delegate cast voting as another's delegate: see the example below
            assertThat(voters.add(v.by())).as("%s: %s votes twice in step %s: %s", a.id(), v.by(), s.name(),
                s.votes()).isTrue();
            assertThat(votedFor.add(v.onBehalfOf())).as("%s: a vote for %s is cast twice in step %s: %s", a.id(),
                v.onBehalfOf(), s.name(), s.votes()).isTrue();
            for (String person : new LinkedHashSet<>(List.of(v.by(), v.onBehalfOf()))) {
              String earlier = stepOf.putIfAbsent(person, s.name());
              assertThat(earlier == null || earlier.equals(s.name()))
                  .as("%s: %s decides in steps %s and %s: %s", a.id(), person, earlier, s.name(), r.steps()).isTrue();
            }
          }
        }
        if (r.state() == RequestState.PENDING) {
          assertThat(workflow.lockOf(tenant, "customer", r.resourceId())).as("the lock of pending %s", a.id())
              .hasValueSatisfying(l -> assertThat(l.id()).isEqualTo(a.id()));
        }
        if (r.state() == RequestState.APPROVED) {
          assertThat(r.execution()).as("execution of %s", a.id()).isNotNull();
          assertThat(r.execution().status()).as("execution of %s", a.id()).isEqualTo("RAN");
          assertThat(r.steps()).as("steps of approved %s", a.id())
              .allSatisfy(s -> assertThat(s.outcome()).isIn("APPROVED", "SKIPPED"));
          ran.merge(a.customer(), 1, Integer::sum);
          seen("ran");
        }
      }
      Map<String, Integer> changes = new HashMap<>();
      store.read(tenant, Outbox.STREAM, 0, 10_000).stream()
          .filter(rec -> rec.type().equals("customer.credit-limit-changed"))
          .forEach(rec -> changes.merge(Event.fromJson(rec.payload()).aggregateId(), 1, Integer::sum));
      for (int i = 0; i < CUSTOMERS; i++) {
        String id = customers.get(i);
        int n = ran.getOrDefault(i, 0);
        assertThat(changes.getOrDefault(id, 0)).as("credit-limit changes of customer %d", i).isEqualTo(n);
        assertThat(crm.customers().require(Actor.of(tenant, "creator"), id).version())
            .as("version of customer %d", i).isEqualTo(createdVersions.get(id) + n);
      }
    }
  }

  // ---- the property ------------------------------------------------------------------------------------------------

  @Property(tries = 150)
  void nobodyDecidesTheirOwnRequestNorTwiceAndApprovedCommandsRunOnce(@ForAll("setups") Setup setup,
                                                                       @ForAll("operations") List<Op> ops) {
    Run run = new Run(setup);
    ops.forEach(run::apply);
    run.check();
    for (Asked a : run.requests) {
      Statistics.label("requests by state").collect(run.workflow.request(run.tenant, a.id()).state());
    }
  }

  /**
   * Whom a voter acts for ({@code Actor.onBehalfOf}) decides with that vote: the engine refuses such a vote when
   * they asked for the request or decided an earlier step. So they may not vote again in that step, nor decide a
   * later one. (First step: 2 of u0, u1, u2; second step: u0 or u3; u5 asks.)
   */
  static Run actingForWorld() {
    Run run = new Run(new Setup(new StepSpec(List.of(Rule.USERS), List.of(0, 1, 2), 2, null),
        new StepSpec(List.of(Rule.USERS), List.of(0, 3), 0, null), false, List.of(-1, -1, -1, -1, -1, -1),
        List.of(4), List.of(5, 5, 5)));
    run.apply(new Ask(5, -1, 0));
    return run;
  }

  @Example
  void whomAVoterActsForMayNotVoteAgainInThatStep() {
    Run run = actingForWorld();
    String id = run.requests.get(0).id();
    run.workflow.approve(run.actor(1, 0, false), id, null);
    assertThatThrownBy(() -> run.workflow.approve(Actor.of(run.tenant, "u0"), id, null))
        .as("u0 votes again in the step u1 voted in for u0")
        .isInstanceOf(AccessDeniedException.class);
  }

  @Example
  void whomAVoterActsForMayNotDecideALaterStep() {
    Run run = actingForWorld();
    String id = run.requests.get(0).id();
    // u0 decides the first step: nobody may act for u0 in the second (this the engine refuses)
    run.workflow.approve(Actor.of(run.tenant, "u0"), id, null);
    run.workflow.approve(Actor.of(run.tenant, "u2"), id, null);
    assertThatThrownBy(() -> run.workflow.approve(run.actor(3, 0, false), id, null))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.sod.decided-before");

    // u1 decides the first step acting for u0: u0 may not decide the second
    run.apply(new Ask(5, -1, 1));
    String other = run.requests.get(1).id();
    run.workflow.approve(run.actor(1, 0, false), other, null);
    run.workflow.approve(Actor.of(run.tenant, "u2"), other, null);
    assertThat(run.workflow.request(run.tenant, other).step().name()).isEqualTo("second");
    assertThatThrownBy(() -> run.workflow.approve(Actor.of(run.tenant, "u0"), other, null))
        .as("u0 decides the second step after u1 decided the first for u0")
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.sod.decided-before");
  }

  /**
   * One vote per person in a step, counting whom a vote was cast for as the engine does across steps: u0, whose
   * vote u3 cast as u0's delegate, may not vote again in that step as u2's delegate.
   */
  @Example
  void someoneWhoseVoteADelegateCastMayNotVoteAgainForSomeoneElse() {
    Run run = actingForWorld();
    String id = run.requests.get(0).id();
    Instant now = run.clock.instant();
    run.workflow.delegate(Actor.of(run.tenant, "u0"), "u3", now, now.plus(Duration.ofDays(1)), "away");
    run.workflow.delegate(Actor.of(run.tenant, "u2"), "u0", now, now.plus(Duration.ofDays(1)), "away");
    ApprovalRequest r = run.workflow.approve(Actor.of(run.tenant, "u3"), id, null);
    assertThat(r.step().votes()).extracting(v -> v.by() + "/" + v.onBehalfOf()).containsExactly("u3/u0");
    assertThatThrownBy(() -> run.workflow.approve(Actor.of(run.tenant, "u0"), id, null))
        .as("u0 votes for u2 in the step where u3 voted for u0")
        .isInstanceOf(AccessDeniedException.class);
  }

  @AfterContainer
  static void theRunsGotSomewhere() {
    assertThat(SEEN).as("what the runs did").containsKeys("approved a request", "ran", "rejected a step",
        "voted for a delegator", "refused by separation of duties", "reassigned by the candidate",
        "reassigned by someone else", "resubmitted", "recalled", "revoked", "timer fired");
    assertThat(SEEN.get("ran").get()).as("approved requests that ran").isGreaterThanOrEqualTo(20);
  }

  @Provide
  Arbitrary<Setup> setups() {
    Arbitrary<Integer> anyUser = Arbitraries.integers().between(0, USERS - 1);
    Arbitrary<StepSpec> step = Combinators.combine(
        Arbitraries.of(Rule.class).list().uniqueElements().ofMinSize(1).ofMaxSize(3),
        anyUser.list().uniqueElements().ofMinSize(1).ofMaxSize(3),
        Arbitraries.integers().between(-1, 2),
        Arbitraries.of(OnExpiry.Action.class).injectNull(0.5)).as(StepSpec::new);
    return Combinators.combine(step, step, Arbitraries.of(true, false),
        Arbitraries.integers().between(-1, USERS - 1).list().ofSize(USERS),
        anyUser.list().uniqueElements().ofMinSize(1).ofMaxSize(4),
        anyUser.list().ofSize(CUSTOMERS)).as(Setup::new);
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> u = Arbitraries.integers().between(0, USERS - 1);
    Arbitrary<Integer> uOrNone = Arbitraries.integers().between(-1, USERS - 1);
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 20);
    Arbitrary<Boolean> coin = Arbitraries.of(true, false);
    Arbitrary<Boolean> mostlyYes = Arbitraries.frequency(Tuple.of(5, true), Tuple.of(1, false));
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        Tuple.of(4, Combinators.combine(u, Arbitraries.frequency(
            Tuple.of(4, -1), Tuple.of(1, 0), Tuple.of(1, 3)), pick)
            .as(Ask::new)),
        Tuple.of(4, Combinators.combine(u, uOrNone, pick, mostlyYes).as(Vote::new)),
        Tuple.of(8, Combinators.combine(pick, pick, coin, mostlyYes).as(CandidateVote::new)),
        Tuple.of(3, Combinators.combine(u, u, Arbitraries.integers().between(-48, 24),
            Arbitraries.integers().between(1, 72)).as(Delegate::new)),
        Tuple.of(3, Combinators.combine(pick, pick, u).as(CandidateDelegates::new)),
        Tuple.of(1, Combinators.combine(pick, u, coin, coin).as(Revoke::new)),
        Tuple.of(1, Combinators.combine(pick, Arbitraries.frequency(
            Tuple.of(3, -1), Tuple.of(1, 0))).as(Recall::new)),
        Tuple.of(3, Combinators.combine(pick, Arbitraries.frequency(
            Tuple.of(4, -1), Tuple.of(1, 2))).as(Resubmit::new)),
        Tuple.of(3, Combinators.combine(pick, pick, u, Arbitraries.frequency(Tuple.of(2, -1), Tuple.of(1, 0),
            Tuple.of(1, 4)), mostlyYes).as(Reassign::new)),
        Tuple.of(2, Combinators.combine(u, coin).as(RoleChange::new)),
        Tuple.of(1, pick.map(RequesterGainsFinance::new)),
        Tuple.of(1, Combinators.combine(u, uOrNone).as(ManagerChange::new)),
        Tuple.of(3, Arbitraries.integers().between(1, 30).map(Advance::new)));
    return op.list().ofMinSize(10).ofMaxSize(60);
  }
}
