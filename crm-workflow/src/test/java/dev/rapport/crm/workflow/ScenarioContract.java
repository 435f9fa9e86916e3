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
import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The scenarios on one store: two-step credit-limit approval (manager, then finance 2 of 3), grade-A delete
 * needing a director, churn reactivation, escalation on timeout, auto-reject on expiry, delegation while out of
 * office, recall and resubmit. Each test uses a tenant of its own.
 */
abstract class ScenarioContract extends OneStorePerClass {
  static final ApprovalDefinition CREDIT = ApprovalDefinition.builder("credit-limit", 1)
      .name("Credit limit above 100,000")
      .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
          .when("resource.creditLimit.amount > 100000"))
      .step(ApprovalStep.named("manager").approvers(Approvers.manager()).build())
      .step(ApprovalStep.named("finance").approvers(Approvers.role("finance")).mode(DecisionMode.nOf(2)).build())
      .build();

  static final ApprovalDefinition GRADE_A_DELETE = ApprovalDefinition.builder("grade-a-delete", 1)
      .trigger(ApprovalDefinition.Trigger.on("customer.delete").when("before.grade == 'A'"))
      .step(ApprovalStep.named("director").approvers(Approvers.role("director"))
          .timeLimit(Duration.ofHours(24), OnExpiry.reject()).build())
      .build();

  static final ApprovalDefinition REACTIVATION = ApprovalDefinition.builder("churn-reactivation", 1)
      .trigger(ApprovalDefinition.Trigger.on("customer.change-stage")
          .when("before.stage == 'CHURNED' && resource.stage != 'CHURNED'"))
      .step(ApprovalStep.named("owner").approvers(Approvers.field("owner"))
          .timeLimit(Duration.ofHours(8), OnExpiry.escalateTo(Approvers.role("director"))).build())
      .build();

  static final ApprovalDefinition OWNER_CHANGE = ApprovalDefinition.builder("grade-a-owner", 1)
      .trigger(ApprovalDefinition.Trigger.on("customer.assign-owner")
          .when("before.grade == 'A' && has(before.owner) && before.owner != resource.owner"))
      .step(ApprovalStep.named("manager").approvers(Approvers.manager())
          .timeLimit(Duration.ofHours(4), OnExpiry.remind()).build())
      .build();

  static final ApprovalDefinition UNTAG = ApprovalDefinition.builder("untag", 1)
      .trigger(ApprovalDefinition.Trigger.on("customer.untag"))
      .step(ApprovalStep.named("owner").approvers(Approvers.field("owner")).skipIf("!has(before.owner)").build())
      .step(ApprovalStep.named("on-call").approvers(Approvers.resolver("on-call")).build())
      .step(ApprovalStep.named("directors").approvers(Approvers.role("director")).mode(DecisionMode.all()).build())
      .build();

  final class World {
    final TenantId tenant = TenantId.of("t" + UUID.randomUUID().toString().substring(0, 8));
    final Directory directory = Directory.inMemory()
        .manager(tenant.value(), "alice", "bob").manager(tenant.value(), "bob", "carol")
        .manager(tenant.value(), "fay", "carol")
        .role(tenant.value(), "finance", "fay", "finn", "fred")
        .role(tenant.value(), "director", "dora", "dave")
        .build();
    final Workflow workflow = Workflow.builder()
        .definitions(List.of(CREDIT, GRADE_A_DELETE, REACTIVATION, OWNER_CHANGE, UNTAG))
        .resolver("on-call", ctx -> switch (ctx.after().path("region").asText()) {
          case "CN-East" -> java.util.Set.of("oscar", ctx.requester().userId());
          // the owner's manager, through the Crm's directory
          case "CN-North" -> ctx.directory().managerChain(ctx.requester().tenant(), ctx.after().path("owner").asText())
              .stream().limit(1).collect(java.util.stream.Collectors.toSet());
          default -> java.util.Set.of();
        })
        .administratorRole("workflow-admin")
        .build();
    final Crm crm;

    World() {
      this(opened.store());
    }

    World(Store store) {
      crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
          .directory(directory).approvals(workflow).clock(clock).publishAfterCommit(false).build();
    }

    Actor user(String id) {
      return Actor.of(tenant, id);
    }

    Customer customer(String grade, String owner) {
      return crm.customers().create(user("alice"), CustomerData.builder(CustomerKind.ORGANIZATION, "Tea Co 茶")
          .grade(grade).owner(owner).creditLimit("50000", "CNY").build());
    }

    String parked(Runnable command) {
      try {
        command.run();
      } catch (ApprovalPendingException e) {
        return e.requestId();
      }
      throw new AssertionError("the command was not parked");
    }

    List<String> eventTypes() {
      return opened.store().read(tenant, Outbox.STREAM, 0, 1000).stream()
          .map(r -> r.type()).toList();
    }

    List<Event> events(String type) {
      return opened.store().read(tenant, Outbox.STREAM, 0, 1000).stream()
          .filter(r -> r.type().equals(type)).map(r -> Event.fromJson(r.payload())).toList();
    }
  }

  @Test
  void twoStepCreditLimitApprovalRunsTheCommandOnceAfterTheSecondFinanceVote() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "annual review"));

    assertThat(w.crm.customers().require(w.user("alice"), c.id()).creditLimit().amount()).isEqualByComparingTo("50000");
    ApprovalRequest r = w.workflow.request(w.tenant, id);
    assertThat(r.state()).isEqualTo(RequestState.PENDING);
    assertThat(r.step().name()).isEqualTo("manager");
    assertThat(r.step().candidates()).containsExactly("bob");
    assertThat(w.workflow.inbox(w.user("bob"))).extracting(Task::requestId).containsExactly(id);

    r = w.workflow.approve(w.user("bob"), id, "ok");
    assertThat(r.step().name()).isEqualTo("finance");
    assertThat(r.step().candidates()).containsExactly("fay", "finn", "fred");
    r = w.workflow.approve(w.user("fay"), id, null);
    assertThat(r.state()).isEqualTo(RequestState.PENDING);
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).creditLimit().amount()).isEqualByComparingTo("50000");
    r = w.workflow.approve(w.user("finn"), id, "2 of 3");

    assertThat(r.state()).isEqualTo(RequestState.APPROVED);
    assertThat(r.execution().status()).isEqualTo("RAN");
    Customer after = w.crm.customers().require(w.user("alice"), c.id());
    assertThat(after.creditLimit().amount()).isEqualByComparingTo("250000");
    assertThat(after.version()).isEqualTo(c.version() + 1);
    assertThat(w.workflow.lockOf(w.tenant, "customer", c.id())).isEmpty();
    assertThat(w.eventTypes()).contains("approval.requested", "approval.task-assigned", "approval.decided",
        "approval.executed", "customer.credit-limit-changed");
    // running it again changes nothing
    assertThat(w.workflow.execute(w.tenant, id).execution().resourceVersion()).isEqualTo(after.version());
    assertThat(w.workflow.recover(w.tenant)).isZero();
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).version()).isEqualTo(after.version());
  }

  @Test
  void aSkippedStepAResolversApproversAndAnAllStep() {
    World w = new World();
    Customer c = w.crm.customers().create(w.user("alice"), CustomerData.builder(CustomerKind.PERSON, "王小明")
        .region("CN-East").tag("segment/vip").build());
    String id = w.parked(() -> w.crm.customers().untag(w.user("alice"), c.id(), "segment/vip"));
    ApprovalRequest r = w.workflow.request(w.tenant, id);
    assertThat(r.steps()).extracting(ApprovalRequest.StepState::outcome).containsExactly("SKIPPED", null);
    // the resolver named alice too: the requester is never a candidate
    assertThat(r.step().candidates()).containsExactly("oscar");
    r = w.workflow.approve(w.user("oscar"), id, null);
    assertThat(r.step().name()).isEqualTo("directors");
    r = w.workflow.approve(w.user("dave"), id, null);
    assertThat(r.state()).isEqualTo(RequestState.PENDING);
    r = w.workflow.approve(w.user("dora"), id, null);
    assertThat(r.execution().status()).isEqualTo("RAN");
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).tags()).isEmpty();
  }

  @Test
  void aResolverFindsTheOwnersManagerInTheDirectory() {
    World w = new World();
    Customer c = w.crm.customers().create(w.user("alice"), CustomerData.builder(CustomerKind.PERSON, "Jürgen Groß")
        .region("CN-North").owner("fay").tag("x").build());
    String id = w.parked(() -> w.crm.customers().untag(w.user("alice"), c.id(), "x"));
    assertThat(w.workflow.request(w.tenant, id).step().candidates()).containsExactly("fay");
    ApprovalRequest r = w.workflow.approve(w.user("fay"), id, "ja");
    assertThat(r.step().name()).isEqualTo("on-call");
    assertThat(r.step().candidates()).containsExactly("carol");
  }

  @Test
  void aFirstStepWithoutCandidatesRefusesTheCommand() {
    World w = new World();
    Customer c = w.crm.customers().create(w.user("alice"), CustomerData.builder(CustomerKind.PERSON, "Ann")
        .region("CN-West").tag("x").build());
    // no owner (skipped), the resolver names nobody in CN-West: nobody may approve the on-call step
    assertThatThrownBy(() -> w.crm.customers().untag(w.user("alice"), c.id(), "x"))
        .isInstanceOf(ApprovalRejectedException.class).hasMessageContaining("workflow.no-approver");
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).tags()).hasSize(1);
  }

  @Test
  void aHostResumingARequestThatIsNotApprovedIsRejectedByTheGate() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "raise"));
    assertThatThrownBy(() -> w.crm.parkedCommands().resume(w.tenant, new dev.rapport.crm.approval.Approval(id,
        List.of("mallory"), clock.instant())))
        .isInstanceOf(ApprovalRejectedException.class).hasMessageContaining("workflow.not-approved");
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).creditLimit().amount())
        .isEqualByComparingTo("50000");
  }

  @Test
  void aRunningRequestStaysOnItsDefinitionVersionAfterANewOneIsDeployed() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    Customer d = w.customer("B", "alice");
    String old = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "raise"));
    // the next deployment: version 2 needs only a director
    ApprovalDefinition v2 = ApprovalDefinition.builder("credit-limit", 2)
        .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
            .when("resource.creditLimit.amount > 100000"))
        .step(ApprovalStep.named("director").approvers(Approvers.role("director")).build())
        .build();
    Workflow next = Workflow.fromDefinitions(v2);
    Crm redeployed = Crm.builder().store(opened.store()).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).directory(w.directory).approvals(next).clock(clock).publishAfterCommit(false)
        .build();
    String fresh;
    try {
      redeployed.customers().changeCreditLimit(w.user("alice"), d.id(), Money.of("250000", "CNY"), "raise");
      throw new AssertionError("not parked");
    } catch (ApprovalPendingException e) {
      fresh = e.requestId();
    }
    assertThat(next.request(w.tenant, fresh).definitionVersion()).isEqualTo(2);
    assertThat(next.request(w.tenant, fresh).step().name()).isEqualTo("director");

    ApprovalRequest r = next.request(w.tenant, old);
    assertThat(r.definitionVersion()).isEqualTo(1);
    r = next.approve(w.user("bob"), old, null);
    assertThat(r.step().name()).isEqualTo("finance");
    next.approve(w.user("fay"), old, null);
    assertThat(next.approve(w.user("fred"), old, null).execution().status()).isEqualTo("RAN");
    assertThat(next.approve(w.user("dora"), fresh, null).execution().status()).isEqualTo("RAN");
  }

  @Test
  void aStepApprovedByItsTimerMovesOnAndTheLastRunsTheCommand() {
    World w = new World();
    ApprovalDefinition quiet = ApprovalDefinition.builder("quiet-untag", 1)
        .trigger(ApprovalDefinition.Trigger.on("customer.untag"))
        .step(ApprovalStep.named("owner").approvers(Approvers.field("owner"))
            .timeLimit(Duration.ofHours(2), OnExpiry.approve()).build())
        .build();
    Workflow wf = Workflow.fromDefinitions(quiet);
    Crm crm = Crm.builder().store(opened.store()).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .approvals(wf).clock(clock).publishAfterCommit(false).build();
    Customer c = crm.customers().create(w.user("alice"), CustomerData.builder(CustomerKind.PERSON, "Li Wei")
        .owner("olga").tag("x").build());
    String id;
    try {
      crm.customers().untag(w.user("alice"), c.id(), "x");
      throw new AssertionError("not parked");
    } catch (ApprovalPendingException e) {
      id = e.requestId();
    }
    clock.advance(Duration.ofHours(3));
    assertThat(wf.sweep(w.tenant).fired()).isEqualTo(1);
    ApprovalRequest r = wf.request(w.tenant, id);
    assertThat(r.state()).isEqualTo(RequestState.APPROVED);
    assertThat(r.execution().status()).isEqualTo("RAN");
    assertThat(r.steps().get(0).votes()).singleElement().satisfies(v -> assertThat(v.by()).isEqualTo(Workflow.TIMER));
    assertThat(crm.customers().require(w.user("alice"), c.id()).tags()).isEmpty();
  }

  @Test
  void aCandidateHandsTheirTaskOverAndAnAdministratorReassignsAnother() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "raise"));
    assertThatThrownBy(() -> w.workflow.reassign(w.user("erin"), id, "bob", "gina", "not mine"))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.reassign");
    ApprovalRequest r = w.workflow.reassign(w.user("bob"), id, "bob", "gina", "on leave");
    assertThat(r.step().candidates()).containsExactly("gina");
    assertThat(w.workflow.inbox(w.user("gina"))).extracting(Task::requestId).containsExactly(id);
    assertThat(w.workflow.inbox(w.user("bob"))).isEmpty();
    w.workflow.approve(w.user("gina"), id, null);
    r = w.workflow.reassign(w.user("erin").withRoles("workflow-admin"), id, "fred", "hank", "fred left");
    assertThat(r.step().candidates()).containsExactly("fay", "finn", "hank");
    w.workflow.approve(w.user("hank"), id, null);
    assertThat(w.workflow.approve(w.user("fay"), id, null).execution().status()).isEqualTo("RAN");
    assertThat(w.events("approval.task-assigned")).extracting(e -> e.data().path("assignees").get(0).asText())
        .contains("gina", "hank");
  }

  @Test
  void aSmallRaiseNeedsNoApproval() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    Customer after = w.crm.customers().changeCreditLimit(w.user("alice"), c.id(), Money.of("90000", "CNY"), "ok");
    assertThat(after.creditLimit().amount()).isEqualByComparingTo("90000");
  }

  @Test
  void theLockedRecordRefusesOtherChangesUntilTheRequestIsDecided() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "annual review"));
    assertThatThrownBy(() -> w.crm.customers().tag(w.user("erin"), c.id(), "segment/vip"))
        .isInstanceOf(ApprovalRejectedException.class)
        .hasMessageContaining(id)
        .hasMessageContaining("workflow.locked");
    w.workflow.reject(w.user("bob"), id, "too much");
    assertThat(w.workflow.request(w.tenant, id).state()).isEqualTo(RequestState.REJECTED);
    assertThat(w.crm.customers().tag(w.user("erin"), c.id(), "segment/vip").tags()).isNotEmpty();
  }

  @Test
  void theRequesterNeverApprovesEvenHoldingTheRoleOrThroughADelegation() {
    World w = new World();
    Customer c = w.customer("B", "fay");
    // fay is in finance; she asks, so she is no candidate of the finance step
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("fay"), c.id(),
        Money.of("250000", "CNY"), "raise"));
    assertThat(w.workflow.request(w.tenant, id).step().candidates()).containsExactly("carol");
    assertThatThrownBy(() -> w.workflow.approve(w.user("fay"), id, null))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.sod.requester");
    // carol delegates to fay: fay still may not decide her own request
    w.workflow.delegate(w.user("carol"), "fay", clock.instant(), clock.instant().plus(Duration.ofDays(3)), "holiday");
    assertThatThrownBy(() -> w.workflow.approve(w.user("fay"), id, null))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.sod.requester");
    assertThat(w.workflow.inbox(w.user("fay"))).isEmpty();
    // nor on behalf of someone else
    assertThatThrownBy(() -> w.workflow.approve(new Actor("integration", w.tenant, java.util.Set.of(),
        java.util.Map.of(), "fay"), id, null))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.sod.requester");
    w.workflow.approve(w.user("carol"), id, null);
    ApprovalRequest r = w.workflow.request(w.tenant, id);
    assertThat(r.step().candidates()).containsExactly("finn", "fred");
    // carol decided the manager step: she may not decide finance too
    assertThatThrownBy(() -> w.workflow.reassign(w.user("finn"), id, "finn", "carol", "busy"))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.sod.decided-before");
    assertThatThrownBy(() -> w.workflow.reassign(w.user("finn"), id, "finn", "fay", "busy"))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.sod.requester");
  }

  @Test
  void gradeADeleteNeedsADirectorAndExpiresIntoARejection() {
    World w = new World();
    Customer a = w.customer("A", "alice");
    Customer b = w.customer("B", "alice");
    assertThat(w.crm.customers().delete(w.user("alice"), b.id(), "duplicate").isDeleted()).isTrue();
    String id = w.parked(() -> w.crm.customers().delete(w.user("alice"), a.id(), "duplicate"));
    assertThat(w.workflow.request(w.tenant, id).step().candidates()).containsExactly("dave", "dora");
    assertThatThrownBy(() -> w.workflow.approve(w.user("bob"), id, null))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.not-approver");

    clock.advance(Duration.ofHours(23));
    assertThat(w.workflow.sweep(w.tenant).fired()).isZero();
    assertThat(w.workflow.overdue(w.tenant)).isEmpty();
    clock.advance(Duration.ofHours(2));
    assertThat(w.workflow.overdue(w.tenant)).extracting(ApprovalRequest::id).containsExactly(id);
    Workflow.Sweep s = w.workflow.sweep(w.tenant);
    assertThat(s.fired()).isEqualTo(1);
    assertThat(w.workflow.sweep(w.tenant).fired()).isZero();
    ApprovalRequest r = w.workflow.request(w.tenant, id);
    assertThat(r.state()).isEqualTo(RequestState.EXPIRED);
    assertThat(r.step().outcome()).isEqualTo("EXPIRED");
    assertThat(w.crm.customers().require(w.user("alice"), a.id()).isDeleted()).isFalse();
    assertThatThrownBy(() -> w.workflow.approve(w.user("dora"), id, null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("EXPIRED");
  }

  @Test
  void churnReactivationGoesToTheOwnerAndEscalatesToADirectorOnTimeout() {
    World w = new World();
    Customer c = w.customer("B", "olga");
    w.crm.customers().changeStage(w.user("alice"), c.id(), "CHURNED", "lost");
    String id = w.parked(() -> w.crm.customers().changeStage(w.user("alice"), c.id(), "ACTIVE", "back"));
    assertThat(w.workflow.request(w.tenant, id).step().candidates()).containsExactly("olga");
    clock.advance(Duration.ofHours(9));
    assertThat(w.workflow.sweep(w.tenant).fired()).isEqualTo(1);
    ApprovalRequest r = w.workflow.request(w.tenant, id);
    assertThat(r.step().escalated()).isTrue();
    assertThat(r.step().candidates()).containsExactly("dave", "dora");
    assertThat(w.workflow.inbox(w.user("olga"))).isEmpty();
    assertThat(w.eventTypes()).contains("approval.escalated");
    r = w.workflow.approve(w.user("dora"), id, "welcome back");
    assertThat(r.execution().status()).isEqualTo("RAN");
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).stage()).isEqualTo("ACTIVE");
  }

  @Test
  void remindersRepeatEachTimeLimitUntilDecided() {
    World w = new World();
    Customer c = w.customer("A", "olga");
    String id = w.parked(() -> w.crm.customers().assignOwner(w.user("alice"), c.id(), "ivan"));
    clock.advance(Duration.ofHours(5));
    assertThat(w.workflow.sweep(w.tenant).fired()).isEqualTo(1);
    clock.advance(Duration.ofHours(4));
    assertThat(w.workflow.sweep(w.tenant).fired()).isEqualTo(1);
    assertThat(w.workflow.request(w.tenant, id).step().reminders()).isEqualTo(2);
    assertThat(w.events("approval.reminder")).hasSize(2)
        .allSatisfy(e -> assertThat(e.data().path("assignees").get(0).asText()).isEqualTo("bob"));
    w.workflow.approve(w.user("bob"), id, null);
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).owner()).isEqualTo("ivan");
  }

  @Test
  void aDelegateDecidesForTheDelegatorWhileOutOfOffice() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    Instant now = clock.instant();
    w.workflow.delegate(w.user("bob"), "gina", now, now.plus(Duration.ofDays(7)), "out of office");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("150000", "CNY"), "raise"));
    List<Task> inbox = w.workflow.inbox(w.user("gina"));
    assertThat(inbox).singleElement().satisfies(t -> {
      assertThat(t.requestId()).isEqualTo(id);
      assertThat(t.onBehalfOf()).isEqualTo("bob");
    });
    ApprovalRequest r = w.workflow.approve(w.user("gina"), id, "for bob");
    assertThat(r.steps().get(0).votes()).singleElement()
        .satisfies(v -> assertThat(v.by() + "/" + v.onBehalfOf()).isEqualTo("gina/bob"));
    // bob (back early) may not vote in the finance step for the step he decided through gina
    assertThat(r.step().candidates()).doesNotContain("bob");
  }

  @Test
  void aDelegationOutsideItsPeriodGivesNothing() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    Instant now = clock.instant();
    w.workflow.delegate(w.user("bob"), "gina", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(7)), "later");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("150000", "CNY"), "raise"));
    assertThat(w.workflow.inbox(w.user("gina"))).isEmpty();
    assertThatThrownBy(() -> w.workflow.approve(w.user("gina"), id, null))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.not-approver");
  }

  @Test
  void theRequesterRecallsAndResubmitsAfterARejection() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String first = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "raise"));
    assertThatThrownBy(() -> w.workflow.recall(w.user("bob"), first, "not mine"))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(w.workflow.recall(w.user("alice"), first, "wrong amount").state()).isEqualTo(RequestState.WITHDRAWN);
    assertThat(w.workflow.lockOf(w.tenant, "customer", c.id())).isEmpty();

    ApprovalRequest second = w.workflow.resubmit(w.user("alice"), first).orElseThrow();
    assertThat(second.resubmittedFrom()).isEqualTo(first);
    w.workflow.reject(w.user("bob"), second.id(), "no");
    assertThatThrownBy(() -> w.workflow.resubmit(w.user("bob"), second.id()))
        .isInstanceOf(AccessDeniedException.class);
    ApprovalRequest third = w.workflow.resubmit(w.user("alice"), second.id()).orElseThrow();
    w.workflow.approve(w.user("bob"), third.id(), null);
    w.workflow.approve(w.user("fred"), third.id(), null);
    ApprovalRequest done = w.workflow.approve(w.user("fay"), third.id(), null);
    assertThat(done.execution().status()).isEqualTo("RAN");
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).creditLimit().amount())
        .isEqualByComparingTo("250000");
    assertThatThrownBy(() -> w.workflow.resubmit(w.user("alice"), third.id()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("approval.resubmit.state");
  }

  @Test
  void nOfMRejectsOnceTheApprovalsCanNoLongerBeReached() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "raise"));
    w.workflow.approve(w.user("bob"), id, null);
    assertThat(w.workflow.reject(w.user("fay"), id, "no").state()).isEqualTo(RequestState.PENDING);
    assertThatThrownBy(() -> w.workflow.approve(w.user("fay"), id, null))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("workflow.already-voted");
    assertThat(w.workflow.reject(w.user("finn"), id, "no").state()).isEqualTo(RequestState.REJECTED);
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).creditLimit().amount())
        .isEqualByComparingTo("50000");
  }

  @Test
  void aRecordChangedBehindTheRequestMakesTheApprovalStale() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "raise"));
    // a host writing past the gate (another Crm without the workflow) changes the record
    Crm plain = Crm.builder().store(opened.store()).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).clock(clock).publishAfterCommit(false).build();
    plain.customers().tag(w.user("alice"), c.id(), "x");
    w.workflow.approve(w.user("bob"), id, null);
    w.workflow.approve(w.user("fay"), id, null);
    ApprovalRequest r = w.workflow.approve(w.user("fred"), id, null);
    assertThat(r.state()).isEqualTo(RequestState.APPROVED);
    assertThat(r.execution().status()).isEqualTo("STALE");
    assertThat(w.workflow.lockOf(w.tenant, "customer", c.id())).isEmpty();
    assertThat(w.crm.customers().require(w.user("alice"), c.id()).creditLimit().amount())
        .isEqualByComparingTo("50000");
    assertThat(w.workflow.resubmit(w.user("alice"), id)).isPresent();
  }

  @Test
  void kpisCountStatesAndMeasureCycleTimes() {
    World w = new World();
    Instant since = clock.instant();
    for (int i = 0; i < 3; i++) {
      Customer c = w.customer("B", "alice");
      String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
          Money.of("250000", "CNY"), "raise"));
      clock.advance(Duration.ofMinutes(10 * (i + 1)));
      w.workflow.approve(w.user("bob"), id, null);
      if (i == 2) {
        w.workflow.reject(w.user("fay"), id, null);
        w.workflow.reject(w.user("finn"), id, null);
      } else {
        w.workflow.approve(w.user("fay"), id, null);
        w.workflow.approve(w.user("finn"), id, null);
      }
    }
    Kpis k = w.workflow.kpis(w.tenant, since);
    assertThat(k.countsByState()).containsEntry(RequestState.APPROVED, 2L).containsEntry(RequestState.REJECTED, 1L)
        .containsEntry(RequestState.PENDING, 0L);
    Kpis.CycleTime whole = k.cycleTimes().stream().filter(t -> t.definition().equals("credit-limit")
        && t.step() == null).findFirst().orElseThrow();
    assertThat(whole.count()).isEqualTo(3);
    assertThat(whole.p50()).isEqualTo(Duration.ofMinutes(20));
    assertThat(whole.p95()).isEqualTo(Duration.ofMinutes(30));
    assertThat(k.approvers()).filteredOn(a -> a.user().equals("bob")).singleElement()
        .satisfies(a -> assertThat(a.decisions()).isEqualTo(3));
    assertThat(k.describe()).contains("credit-limit");
  }

  @Test
  void textNoStoreKeepsExactlyIsRefusedNamingTheArgumentAndNothingIsWritten() {
    World w = new World();
    Customer c = w.customer("B", "alice");
    String id = w.parked(() -> w.crm.customers().changeCreditLimit(w.user("alice"), c.id(),
        Money.of("250000", "CNY"), "annual review"));
    Instant now = clock.instant();
    record Refused(String path, String rule, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {}
    List<Refused> cases = List.of(
        new Refused("comment", "text.control", () -> w.workflow.approve(w.user("bob"), id, "ok\u0000hidden")),
        new Refused("comment", "text.surrogate", () -> w.workflow.approve(w.user("bob"), id, "ok\uD800")),
        new Refused("comment", "text.bidi", () -> w.workflow.reject(w.user("bob"), id, "ok\u202Eexe.pdf")),
        new Refused("comment", "approval.comment.length",
            () -> w.workflow.approve(w.user("bob"), id, "x".repeat(4001))),
        new Refused("reason", "text.bidi", () -> w.workflow.recall(w.user("alice"), id, "\u202Ereason")),
        new Refused("reason", "text.control", () -> w.workflow.recall(w.user("alice"), id, "weg\u0000")),
        new Refused("reason", "text.surrogate", () -> w.workflow.reassign(w.user("bob"), id, "bob", "gina", "x\uDC00")),
        new Refused("to", "text.bidi", () -> w.workflow.reassign(w.user("bob"), id, "bob", "gi\u202Ena", null)),
        new Refused("delegate", "text.bidi",
            () -> w.workflow.delegate(w.user("bob"), "gi\u202Ena", now, now.plusSeconds(60), "ooo")),
        new Refused("reason", "text.control",
            () -> w.workflow.delegate(w.user("bob"), "gina", now, now.plusSeconds(60), "ooo\u0000")),
        new Refused("until", "delegation.period",
            () -> w.workflow.delegate(w.user("bob"), "gina", now.minusSeconds(120), now.minusSeconds(60), null)),
        new Refused("requestId", "approval.id.required", () -> w.workflow.approve(w.user("bob"), "  ", "ok")),
        new Refused("requestId", "approval.id.required", () -> w.workflow.approve(w.user("bob"), null, "ok")),
        new Refused("requestId", "text.bidi", () -> w.workflow.request(w.tenant, id + "\u202E")),
        new Refused("since", "kpis.since", () -> w.workflow.kpis(w.tenant, null)),
        new Refused("limit", "approval.limit", () -> w.workflow.requests(w.tenant, null, 0)));
    for (Refused r : cases) {
      assertThatThrownBy(r.call()).as(r.path() + " " + r.rule()).isInstanceOfSatisfying(ValidationException.class,
          e -> assertThat(e.violations()).extracting(v -> v.path(), v -> v.rule())
              .contains(org.assertj.core.api.Assertions.tuple(r.path(), r.rule())));
    }

    // nothing of it was written: the request is as parked, nobody delegated, and it still approves as usual
    ApprovalRequest r = w.workflow.request(w.tenant, id);
    assertThat(r.state()).isEqualTo(RequestState.PENDING);
    assertThat(r.step().votes()).isEmpty();
    assertThat(r.step().candidates()).containsExactly("bob");
    assertThat(w.workflow.delegations(w.tenant, "bob")).isEmpty();
    assertThat(w.workflow.requests(w.tenant, null, 10)).extracting(ApprovalRequest::id).containsExactly(id);
    // a comment or reason may be left out, and any script is kept exactly
    String comment = "同意 — موافق — einverstanden 👍";
    assertThat(w.workflow.approve(w.user("bob"), id, comment).steps().get(0).votes().get(0).comment())
        .isEqualTo(comment);
    assertThat(w.workflow.recall(w.user("alice"), id, null).state()).isEqualTo(RequestState.WITHDRAWN);
    assertThat(w.workflow.delegate(w.user("bob"), "gina", now, now.plusSeconds(3600), null).reason()).isNull();
    assertThat(w.workflow.delegations(w.tenant, "bob")).singleElement().satisfies(d -> assertThat(d.reason()).isNull());
  }
}
