package dev.rapport.crm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.query.Criteria;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static final Function<String, List<Object>> NO_VALUES = f -> List.of();

  /**
   * The standard lifecycle as documented: each allowed move, and whether it needs a reason. Written out here
   * independently of {@link Lifecycle#standard()} so the property below checks the code against the documentation.
   */
  private static final Map<String, Boolean> STANDARD_MOVES = Map.of(
      "LEAD>PROSPECT", false,
      "LEAD>CHURNED", true,
      "PROSPECT>ACTIVE", false,
      "PROSPECT>CHURNED", true,
      "ACTIVE>AT_RISK", false,
      "AT_RISK>ACTIVE", false,
      "AT_RISK>CHURNED", true,
      "ACTIVE>CHURNED", true,
      "CHURNED>ACTIVE", true);

  private static final Set<String> STANDARD_STAGES = Set.of("LEAD", "PROSPECT", "ACTIVE", "AT_RISK", "CHURNED");

  @Test
  void theStandardLifecycleMovesALeadToActiveAndBack() {
    Lifecycle lc = Lifecycle.standard();

    assertThat(lc.initial()).isEqualTo("LEAD");
    assertThat(lc.stages()).isEqualTo(STANDARD_STAGES);
    assertThat(lc.check("LEAD", "PROSPECT", null, NO_VALUES)).isEqualTo(Transition.of("LEAD", "PROSPECT"));
    lc.check("PROSPECT", "ACTIVE", null, NO_VALUES);
    lc.check("ACTIVE", "AT_RISK", null, NO_VALUES);
    lc.check("AT_RISK", "ACTIVE", null, NO_VALUES);
    assertThat(lc.check("ACTIVE", "CHURNED", "moved to a competitor", NO_VALUES).reasonRequired()).isTrue();
    lc.check("CHURNED", "ACTIVE", "won back", NO_VALUES);
    assertThat(lc.next("ACTIVE")).containsExactlyInAnyOrder("AT_RISK", "CHURNED");
    assertThat(lc.next("CHURNED")).containsExactly("ACTIVE");
  }

  @Test
  void theStandardLifecycleRefusesShortcutsUnknownStagesAndMissingReasons() {
    Lifecycle lc = Lifecycle.standard();

    assertRule(() -> lc.check("LEAD", "ACTIVE", null, NO_VALUES), "stage", "stage.transition");
    assertRule(() -> lc.check("CHURNED", "LEAD", "again", NO_VALUES), "stage", "stage.transition");
    assertRule(() -> lc.check("LEAD", "WON", null, NO_VALUES), "stage", "stage.unknown");
    assertRule(() -> lc.check("ACTIVE", "CHURNED", null, NO_VALUES), "reason", "stage.reason");
    assertRule(() -> lc.check("ACTIVE", "CHURNED", "  ", NO_VALUES), "reason", "stage.reason");
  }

  @Test
  void guardsAreCriteriaOverTheRecordsValues() {
    Lifecycle lc = Lifecycle.builder("NEW")
        .transition(Transition.of("NEW", "QUALIFIED").guardedBy(Criteria.exists("owner")))
        .transition(Transition.of("QUALIFIED", "WON")
            .guardedBy(Criteria.and(Criteria.eq("region", "EMEA"), Criteria.gte("score", 50L))))
        .build();

    assertRule(() -> lc.check("NEW", "QUALIFIED", null, NO_VALUES), "stage", "stage.guard");
    lc.check("NEW", "QUALIFIED", null, values(Map.of("owner", List.of("alice"))));

    assertRule(() -> lc.check("QUALIFIED", "WON", null, values(Map.of("region", List.of("EMEA"),
        "score", List.of(49L)))), "stage", "stage.guard");
    assertRule(() -> lc.check("QUALIFIED", "WON", null, values(Map.of("region", List.of("APAC"),
        "score", List.of(80L)))), "stage", "stage.guard");
    lc.check("QUALIFIED", "WON", null, values(Map.of("region", List.of("EMEA"), "score", List.of(50L))));
  }

  @Test
  void aGuardedTransitionThatNeedsAReasonNeedsBoth() {
    Lifecycle lc = Lifecycle.builder("NEW")
        .transition(Transition.of("NEW", "LOST").guardedBy(Criteria.exists("owner")).withReasonRequired())
        .build();

    assertRule(() -> lc.check("NEW", "LOST", "gone", NO_VALUES), "stage", "stage.guard");
    assertRule(() -> lc.check("NEW", "LOST", null, values(Map.of("owner", List.of("bob")))), "reason",
        "stage.reason");
  }

  @Test
  void anInvalidDefinitionIsRejectedWithEveryViolation() {
    assertThatThrownBy(() -> new Lifecycle("NEW", Set.of("NEW", "won", "LOST"), List.of(
        Transition.of("NEW", "GONE"),
        Transition.of("NEW", "LOST"),
        Transition.of("NEW", "LOST").withReasonRequired())))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
                tuple("lifecycle.stages", "stage.name"),
                tuple("lifecycle.transitions", "stage.unknown"),
                tuple("lifecycle.transitions", "transition.duplicate")));
  }

  @Test
  void theBuilderRejectsLowerCaseStagesDuplicatesAndAnUnknownInitialStage() {
    assertThatThrownBy(() -> Lifecycle.builder("new").transition(Transition.of("new", "Active"))
        .transition(Transition.of("new", "Active")).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::rule)
            .containsExactlyInAnyOrder("stage.name", "stage.name", "transition.duplicate"));
    assertThatThrownBy(() -> new Lifecycle("START", Set.of("NEW"), List.of()))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path, Violation::rule).containsExactly(tuple("lifecycle.initial", "stage.unknown")));
  }

  // ------------------------------------------------------------------ property

  record Step(String stage, @Nullable String reason) {}

  @Property(tries = 500)
  void aRandomWalkMovesExactlyWhereTheDocumentedTransitionsAllow(@ForAll("walks") List<Step> walk) {
    Lifecycle lc = Lifecycle.standard();
    String current = lc.initial();
    for (Step step : walk) {
      Boolean reasonRequired = STANDARD_MOVES.get(current + ">" + step.stage());
      boolean hasReason = step.reason() != null && !step.reason().isBlank();
      boolean allowed = reasonRequired != null && (hasReason || !reasonRequired);
      String from = current;
      if (allowed) {
        Transition t = lc.check(from, step.stage(), step.reason(), NO_VALUES);
        assertThat(t.from()).isEqualTo(from);
        assertThat(t.to()).isEqualTo(step.stage());
        assertThat(t.reasonRequired()).isEqualTo(reasonRequired);
        current = step.stage();
      } else {
        String expectedRule = !STANDARD_STAGES.contains(step.stage()) ? "stage.unknown"
            : reasonRequired == null ? "stage.transition" : "stage.reason";
        assertThatThrownBy(() -> lc.check(from, step.stage(), step.reason(), NO_VALUES))
            .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                .extracting(Violation::rule).containsExactly(expectedRule));
      }
    }
  }

  @Provide
  Arbitrary<List<Step>> walks() {
    Arbitrary<String> stage = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.of(STANDARD_STAGES)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("VIP", "active", "")));
    Arbitrary<@Nullable String> reason = Arbitraries.of("price", "moved away", "", " ").injectNull(0.4);
    return Combinators.combine(stage, reason).as(Step::new).list().ofMinSize(1).ofMaxSize(20);
  }

  // ------------------------------------------------------------------ helpers

  private static Function<String, List<Object>> values(Map<String, List<Object>> values) {
    return f -> values.getOrDefault(f, List.of());
  }

  private static void assertRule(Runnable check, String path, String rule) {
    assertThatThrownBy(check::run).isInstanceOfSatisfying(ValidationException.class, e ->
        assertThat(e.violations()).extracting(Violation::path, Violation::rule).containsExactly(tuple(path, rule)));
  }
}
