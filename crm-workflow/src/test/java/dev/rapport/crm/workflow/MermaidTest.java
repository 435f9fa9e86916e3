package dev.rapport.crm.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A definition as a Mermaid flowchart, for documentation: one node per step with its approvers and mode, the skip,
 * timer and outcome edges, and conditions escaped with Mermaid's entity codes so that quotes and angle brackets
 * never break the diagram.
 */
class MermaidTest {

  /** Manager (escalating to directors after 48 hours), then finance 2 of m, skipped for small raises of grade A. */
  static final ApprovalDefinition CREDIT = ApprovalDefinition.builder("credit-limit", 1)
      .name("Credit limit above 100,000")
      .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
          .when("resource.creditLimit.amount > 100000"))
      .step(ApprovalStep.named("manager").approvers(Approvers.manager())
          .timeLimit(Duration.ofHours(48), OnExpiry.escalateTo(Approvers.role("director"))).build())
      .step(ApprovalStep.named("finance").approvers(Approvers.role("finance")).mode(DecisionMode.nOf(2))
          .skipIf("resource.creditLimit.amount < 500000 && before.grade == \"A\"").build())
      .build();

  @Test
  void aSmallDefinitionRendersExactly() {
    ApprovalDefinition d = ApprovalDefinition.builder("big-discount", 3)
        .name("Discount \"VIP\"")
        .trigger(ApprovalDefinition.Trigger.on("customer.update").when("payload.discount > 10"))
        .step(ApprovalStep.named("lead").approvers(Approvers.role("sales-lead"), Approvers.users("ann"))
            .skipIf("before.grade == \"C\" && payload.discount < 15")
            .timeLimit(Duration.ofHours(4), OnExpiry.approve()).build())
        .build();
    assertThat(d.toMermaid()).isEqualTo("""
        flowchart TD
          start(["Discount #quot;VIP#quot; v3<br/>customer.update<br/>when payload.discount #gt; 10"])
          s0["lead<br/>role sales-lead + users ann<br/>decides: any"]
          start --> s0
          s0 -. "skip if before.grade == #quot;C#quot; && payload.discount #lt; 15" .-> approved
          s0 -- rejected --> rejected
          s0 -- "after 4h: approve" --> approved
          s0 -- approved --> approved(["approved: the command runs"])
          rejected(["rejected"])
        """);
  }

  @Test
  void theCreditDefinitionHasANodePerStepItsEdgesAndBothEnds() {
    String m = CREDIT.toMermaid();
    List<String> lines = m.lines().toList();
    assertThat(lines.get(0)).isEqualTo("flowchart TD");
    assertThat(lines.get(1)).isEqualTo("  start([\"Credit limit above 100,000 v1<br/>customer.change-credit-limit"
        + "<br/>when resource.creditLimit.amount #gt; 100000\"])");
    // one node per step, with its approvers and mode
    assertThat(lines).filteredOn(l -> l.matches("  s\\d+\\[\".*")).containsExactly(
        "  s0[\"manager<br/>manager<br/>decides: any\"]",
        "  s1[\"finance<br/>role finance<br/>decides: 2 of m\"]");
    // in order from the start to the approved end
    assertThat(lines).containsSubsequence("  start --> s0", "  s0 --> s1",
        "  s1 -- approved --> approved([\"approved: the command runs\"])");
    // the escalation loops back to the step with its new approvers
    assertThat(lines).contains("  s0 -- \"after 48h: escalate to role director\" --> s0");
    // the skip goes past the last step to the approved end, its condition escaped
    assertThat(lines).contains("  s1 -. \"skip if resource.creditLimit.amount #lt; 500000 && before.grade =="
        + " #quot;A#quot;\" .-> approved");
    // every step can reject; no expiry end without a step that expires
    assertThat(lines).contains("  s0 -- rejected --> rejected", "  s1 -- rejected --> rejected",
        "  rejected([\"rejected\"])");
    assertThat(m).doesNotContain("expired");
    assertValid(m);
  }

  @Test
  void remindersLoopAndARejectingTimerEndsExpired() {
    ApprovalDefinition d = ApprovalDefinition.builder("grade-a-delete", 1)
        .trigger(ApprovalDefinition.Trigger.on("customer.delete", "customer.change-stage"))
        .step(ApprovalStep.named("owner").approvers(Approvers.field("owner"), Approvers.resolver("on-call"))
            .mode(DecisionMode.all()).timeLimit(Duration.ofMinutes(90), OnExpiry.remind()).build())
        .step(ApprovalStep.named("director").approvers(Approvers.manager(2), Approvers.users("dora", "dave"))
            .timeLimit(Duration.ofDays(1), OnExpiry.reject()).build())
        .build();
    String m = d.toMermaid();
    List<String> lines = m.lines().toList();
    assertThat(lines.get(1)).isEqualTo("  start([\"grade-a-delete v1<br/>customer.change-stage, customer.delete\"])");
    assertThat(lines).contains(
        "  s0[\"owner<br/>field owner + resolver on-call<br/>decides: all\"]",
        "  s1[\"director<br/>manager level 2 + users dora, dave<br/>decides: any\"]",
        "  s0 -- \"after 1h30m: remind\" --> s0",
        "  s1 -- \"after 24h\" --> expired",
        "  expired([\"expired\"])");
    assertThat(m).doesNotContain("skip if");
    assertValid(m);
  }

  @Test
  void quotesAndAngleBracketsAnywhereAreEscaped() {
    ApprovalDefinition d = ApprovalDefinition.builder("k", 1)
        .name("<b>\"bold\"</b>\nname")
        .trigger(ApprovalDefinition.Trigger.on("customer.update").when("resource.name != \"<x>\""))
        .step(ApprovalStep.named("s").approvers(Approvers.users("o\"neil", "<script>"), Approvers.role("a>b"))
            .skipIf("'\"' < '>'")
            .timeLimit(Duration.ofHours(1), OnExpiry.escalateTo(Approvers.role("\"r\""), Approvers.users("<u>")))
            .build())
        .build();
    String m = d.toMermaid();
    assertThat(m).contains("#lt;b#gt;#quot;bold#quot;#lt;/b#gt; name v1", "resource.name != #quot;#lt;x#gt;#quot;",
        "users o#quot;neil, #lt;script#gt; + role a#gt;b", "skip if '#quot;' #lt; '#gt;'",
        "escalate to role #quot;r#quot; + users #lt;u#gt;");
    assertValid(m);
  }

  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  /**
   * What keeps a flowchart parseable: quotes pair up on every line, and no quoted label holds a raw {@code <} or
   * {@code >} other than the line breaks the renderer puts there.
   */
  static void assertValid(String mermaid) {
    List<String> lines = mermaid.lines().toList();
    assertThat(lines.get(0)).isEqualTo("flowchart TD");
    for (String line : lines.subList(1, lines.size())) {
      assertThat(line.chars().filter(c -> c == '"').count() % 2).as("quotes pair up in %s", line).isZero();
      Matcher q = QUOTED.matcher(line);
      while (q.find()) {
        assertThat(q.group(1).replace("<br/>", "")).as("a label of %s", line).doesNotContain("<", ">");
      }
      assertThat(line).as("a node or an edge").matches(
          "  (start|s\\d+|approved|rejected|expired)(\\(\\[\".*\"\\]\\)|\\[\".*\"\\])"
              + "|  (start|s\\d+) (-->|-- \\w+ -->|-- \".*\" -->|-\\. \".*\" \\.->) (s\\d+|approved|rejected|expired)"
              + "(\\(\\[\".*\"\\]\\))?");
    }
  }
}
