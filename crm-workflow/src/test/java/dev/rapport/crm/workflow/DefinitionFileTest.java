package dev.rapport.crm.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Definitions read from YAML and JSON files: the same definitions as built in Java, every approver kind, mode and
 * expiry action; a definition's JSON form reads back as the same definition; and a bad file reports every problem at
 * once, each with its path, rule, file and line and column.
 */
class DefinitionFileTest {

  /** Manager with a deadline escalating to a role and a user; finance and the owner, 2 of m, skipped for grade C. */
  static final ApprovalDefinition CREDIT = ApprovalDefinition.builder("credit-limit", 1)
      .name("Credit limit above 100,000")
      .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
          .when("resource.creditLimit.amount > 100000"))
      .step(ApprovalStep.named("manager").approvers(Approvers.manager())
          .timeLimit(Duration.ofHours(48), OnExpiry.escalateTo(Approvers.role("director"), Approvers.users("dora")))
          .build())
      .step(ApprovalStep.named("finance").approvers(Approvers.role("finance"), Approvers.field("owner"))
          .mode(DecisionMode.nOf(2)).skipIf("before.grade == 'C'")
          .timeLimit(Duration.ofDays(3), OnExpiry.remind()).build())
      .build();

  /** Two commands, repeat deciders allowed, named users and a second-level manager (all), a resolver, approve/reject. */
  static final ApprovalDefinition DELETE = ApprovalDefinition.builder("grade-a-delete", 2)
      .name("Delete a grade A customer")
      .trigger(ApprovalDefinition.Trigger.on("customer.delete", "customer.change-stage").when("before.grade == 'A'"))
      .allowRepeatDeciders(true)
      .step(ApprovalStep.named("owners").approvers(Approvers.users("ann", "bob"), Approvers.manager(2))
          .mode(DecisionMode.all()).timeLimit(Duration.ofHours(8), OnExpiry.approve()).build())
      .step(ApprovalStep.named("director").approvers(Approvers.resolver("cost-centre"))
          .timeLimit(Duration.ofHours(24), OnExpiry.reject()).build())
      .build();

  static final String CREDIT_YAML = """
        key: credit-limit
        version: 1
        name: Credit limit above 100,000
        trigger:
          commands: [customer.change-credit-limit]
          condition: resource.creditLimit.amount > 100000
        steps:
          - name: manager
            approvers:
              - manager: 1
            timeLimit: PT48H
            onExpiry:
              escalateTo: [{role: director}, {users: [dora]}]
          - name: finance
            approvers: [{role: finance}, {field: owner}]
            mode: 2
            skipIf: "before.grade == 'C'"
            timeLimit: P3D
            onExpiry: remind
        """;

  static final String DELETE_YAML = """
        key: grade-a-delete
        version: 2
        name: Delete a grade A customer
        allowRepeatDeciders: true
        trigger:
          commands:
            - customer.delete
            - customer.change-stage
          condition: before.grade == 'A'
        steps:
          - name: owners
            approvers:
              - users: [ann, bob]
              - manager: 2
            mode: all
            timeLimit: PT8H
            onExpiry: approve
          - name: director
            approvers: [{resolver: cost-centre}]
            mode: any
            timeLimit: PT24H
            onExpiry: reject
        """;

  /** The definitions of a text, with the resolvers the texts here name registered. */
  static List<ApprovalDefinition> read(String text, String source) {
    ApproverResolver nobody = ctx -> Set.of();
    return Workflow.builder().definitions(text, source).resolver("cost-centre", nobody).resolver("x", nobody)
        .resolver("y", nobody).build().definitions();
  }

  static String indent(String yaml, String prefix) {
    return yaml.lines().map(l -> prefix + l).reduce("", (a, b) -> a + b + "\n");
  }

  /** {@code - } before the first line of a mapping and two spaces before the others: a YAML list item. */
  static String item(String yaml, String indent) {
    List<String> lines = yaml.lines().toList();
    StringBuilder b = new StringBuilder(indent + "- " + lines.get(0) + "\n");
    lines.subList(1, lines.size()).forEach(l -> b.append(indent).append("  ").append(l).append('\n'));
    return b.toString();
  }

  static List<ValidationException.Violation> violations(Runnable r) {
    ValidationException e = catchThrowableOfType(ValidationException.class, r::run);
    assertThat(e).as("a ValidationException").isNotNull();
    return e.violations();
  }

  static Violation only(List<Violation> all, String path) {
    List<Violation> at = all.stream().filter(v -> v.path().equals(path)).toList();
    assertThat(at).as("violations at " + path + " in " + all).hasSize(1);
    return at.get(0);
  }

  // ---- reading ------------------------------------------------------------------------------------------------------

  @Test
  void yamlWithADefinitionsListReadsAsTheJavaBuiltDefinitions() {
    String yaml = "definitions:\n" + item(CREDIT_YAML, "  ") + item(DELETE_YAML, "  ");
    List<ApprovalDefinition> read = read(yaml, "approvals.yaml");
    assertThat(read).extracting(ApprovalDefinition::toJson).containsExactly(CREDIT.toJson(), DELETE.toJson());
    assertThat(read).containsExactly(CREDIT, DELETE);
  }

  @Test
  void aBareListAndASingleMappingReadTheSame() {
    assertThat(read(item(CREDIT_YAML, "") + item(DELETE_YAML, ""), "list.yaml")).containsExactly(CREDIT, DELETE);
    assertThat(read(DELETE_YAML, "one.yaml")).containsExactly(DELETE);
  }

  @Test
  void everyApproverKindModeAndExpiryActionReadsAsWritten() {
    ApprovalDefinition all = read("""
        key: kinds
        version: 3
        trigger: {commands: [customer.assign-owner]}
        steps:
          - {name: a, approvers: [{users: [u1, u2]}, {role: r}, {manager: 3}, {field: account.owner}, {resolver: x}]}
          - {name: b, approvers: [{role: r}], mode: all, timeLimit: PT1H, onExpiry: approve}
          - {name: c, approvers: [{role: r}], mode: 5, timeLimit: PT2H, onExpiry: reject}
          - {name: d, approvers: [{role: r}], mode: any, timeLimit: PT3H, onExpiry: remind}
          - {name: e, approvers: [{role: r}], timeLimit: PT4H, onExpiry: {escalateTo: [{manager: 2}, {resolver: y}]}}
        """, "kinds.yaml").get(0);
    assertThat(all.name()).isEqualTo("kinds");
    assertThat(all.allowRepeatDeciders()).isFalse();
    assertThat(all.trigger().condition()).isNull();
    assertThat(all.steps().get(0).approvers()).containsExactly(new Approvers.Users(List.of("u1", "u2")),
        new Approvers.Role("r"), new Approvers.Manager(3), new Approvers.Field("account.owner"),
        new Approvers.Resolver("x"));
    assertThat(all.steps()).extracting(ApprovalStep::mode).containsExactly(DecisionMode.any(), DecisionMode.all(),
        DecisionMode.nOf(5), DecisionMode.any(), DecisionMode.any());
    assertThat(all.steps()).extracting(ApprovalStep::onExpiry).containsExactly(null, OnExpiry.approve(),
        OnExpiry.reject(), OnExpiry.remind(), OnExpiry.escalateTo(Approvers.manager(2), Approvers.resolver("y")));
    assertThat(all.steps()).extracting(ApprovalStep::timeLimit).containsExactly(null, Duration.ofHours(1),
        Duration.ofHours(2), Duration.ofHours(3), Duration.ofHours(4));
  }

  @Test
  void jsonReadsAsTheJavaBuiltDefinitions() {
    String json = """
        {"definitions": [
          {"key": "credit-limit", "version": 1, "name": "Credit limit above 100,000",
           "trigger": {"commands": ["customer.change-credit-limit"],
                       "condition": "resource.creditLimit.amount > 100000"},
           "steps": [
             {"name": "manager", "approvers": [{"manager": 1}], "timeLimit": "PT48H",
              "onExpiry": {"escalateTo": [{"role": "director"}, {"users": ["dora"]}]}},
             {"name": "finance", "approvers": [{"role": "finance"}, {"field": "owner"}], "mode": 2,
              "skipIf": "before.grade == 'C'", "timeLimit": "PT72H", "onExpiry": "remind"}]}]}
        """;
    assertThat(read(json, "approvals.json")).containsExactly(CREDIT);
    assertThat(read("[" + DELETE.toJson() + "]", "list.json")).containsExactly(DELETE);
  }

  @Test
  void aDefinitionsJsonFormReadsBackAsTheSameDefinition() {
    for (ApprovalDefinition d : List.of(CREDIT, DELETE, ScenarioContract.GRADE_A_DELETE,
        ScenarioContract.REACTIVATION, ScenarioContract.OWNER_CHANGE)) {
      ApprovalDefinition back = read(d.toJson().toPrettyString(), "copy.json").get(0);
      assertThat(back).isEqualTo(d);
      assertThat(back.toJson()).isEqualTo(d.toJson());
      // the copy a request keeps is read the same way
      assertThat(DefinitionFormat.fromCopy(d.toJson())).isEqualTo(d);
    }
  }

  @Test
  void aFileIsReadAsUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("approvals.yaml");
    Files.writeString(file, "definitions:\n" + item(CREDIT_YAML, "  ") + item(DELETE_YAML, "  "),
        StandardCharsets.UTF_8);
    assertThat(Workflow.builder().definitions(file).resolver("cost-centre", ctx -> Set.of()).build().definitions())
        .containsExactly(CREDIT, DELETE);

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, CREDIT_YAML.replace("mode: 2", "mode: 0"), StandardCharsets.UTF_8);
    Violation v = only(violations(() -> Workflow.builder().definitions(bad)), "steps[1].mode");
    assertThat(v.message()).startsWith(bad + ": line 16, column 11: ");
  }

  @Test
  void chineseTextLoadsAndRoundTripsExactly(@TempDir Path dir) throws Exception {
    String yaml = """
        key: credit-cn
        version: 1
        name: 信用额度审批
        trigger:
          commands: [customer.change-credit-limit]
          condition: "resource.name == '茶叶有限公司' && resource.creditLimit.amount > 100000"
        steps:
          - name: manager
            approvers: [{role: 财务}, {users: [张伟, 李娜]}]
        """;
    Path file = dir.resolve("credit-cn.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    ApprovalDefinition d = Workflow.builder().definitions(file).build().definitions().get(0);
    assertThat(d.name()).isEqualTo("信用额度审批");
    assertThat(d.trigger().condition()).isEqualTo("resource.name == '茶叶有限公司' && resource.creditLimit.amount > 100000");
    assertThat(d.steps().get(0).approvers()).containsExactly(Approvers.role("财务"), Approvers.users("张伟", "李娜"));
    String json = d.toJson().toString();
    assertThat(json).contains("\"name\":\"信用额度审批\"");
    assertThat(read(json, "copy.json")).containsExactly(d);
    assertThat(read(d.toJson().toPrettyString(), "copy.json").get(0).toJson().toString()).isEqualTo(json);

    // a problem after Chinese text is still located by characters
    Violation v = only(violations(() -> read(yaml.replace("[{role: 财务}", "[{role: 财务}, {team: 东区}"), "cn.yaml")),
        "steps[0].approvers[1]");
    assertThat(v.rule()).isEqualTo("approvers.kind");
    assertThat(v.message()).startsWith("cn.yaml: line 9, column 29: ");
  }

  // ---- errors -------------------------------------------------------------------------------------------------------

  /**
   * Problems in three definitions (line numbers in comments): a CEL syntax error in a trigger (6), a time limit
   * without an action (10, reported at its step, 8), a bad mode (13) and an unknown field (14); a CEL type error in a
   * skip condition (22) and a duplicate step name (23); a definition without trigger and steps (25).
   */
  static final String BROKEN = """
      definitions:
        - key: credit-limit
          version: 1
          trigger:
            commands: [customer.change-credit-limit]
            condition: "resource.creditLimit.amount > "
          steps:
            - name: manager
              approvers: [{manager: 1}]
              timeLimit: PT48H
            - name: finance
              approvers: [{role: finance}]
              mode: three
              colour: red
        - key: churn
          version: 1
          trigger:
            commands: [customer.change-stage]
          steps:
            - name: owner
              approvers: [{field: owner}]
              skipIf: 1 + "a" == 2
            - name: owner
              approvers: [{role: director}]
        - key: no-steps
          version: 1
      """;

  @Test
  void everyProblemOfAFileIsReportedAtOnceWithPathRuleAndLocation() {
    List<Violation> all = violations(() -> read(BROKEN, "approvals.yaml"));
    assertThat(all).extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
        tuple("definitions[0].trigger.condition", "condition.invalid"),
        tuple("definitions[0].steps[0].onExpiry", "step.onExpiry.pair"),
        tuple("definitions[0].steps[1].mode", "step.mode"),
        tuple("definitions[0].steps[1].colour", "definition.field.unknown"),
        tuple("definitions[1].steps[0].skipIf", "condition.invalid"),
        tuple("definitions[1].steps[1].name", "step.name.duplicate"),
        tuple("definitions[2].trigger", "definition.trigger.missing"),
        tuple("definitions[2].steps", "definition.steps.empty"));
    assertThat(all).allSatisfy(v -> assertThat(v.message()).startsWith("approvals.yaml: line "));

    assertThat(only(all, "definitions[0].steps[1].mode").message())
        .isEqualTo("approvals.yaml: line 13, column 15: mode is any, all, or a number n (n of the candidates):"
            + " \"three\"");
    assertThat(only(all, "definitions[0].steps[1].colour").message())
        .startsWith("approvals.yaml: line 14, column 17: unknown field 'colour'");
    // the CEL error is at a column of the condition, the condition at a line and column of the file
    assertThat(only(all, "definitions[0].trigger.condition").message())
        .startsWith("approvals.yaml: line 6, column 18: in the condition at line 1, column 31: ");
    assertThat(only(all, "definitions[1].steps[0].skipIf").message())
        .startsWith("approvals.yaml: line 22, column 17: in the condition at line 1, column 3: ")
        .contains("no matching overload for '_+_'");
    assertThat(only(all, "definitions[1].steps[1].name").message())
        .isEqualTo("approvals.yaml: line 23, column 15: step name used twice: owner");
    // a missing value is reported where its mapping starts
    assertThat(only(all, "definitions[0].steps[0].onExpiry").message()).startsWith("approvals.yaml: line 8, column 9: ");
    assertThat(only(all, "definitions[2].trigger").message()).startsWith("approvals.yaml: line 25, column 5: ");
  }

  @Test
  void celSyntaxAndTypeErrorsAreReportedWithTheConditionsPath() {
    String syntax = CREDIT_YAML.replace("condition: resource.creditLimit.amount > 100000",
        "condition: 'resource.creditLimit.amount > '");
    Violation v = only(violations(() -> read(syntax, "a.yaml")), "trigger.condition");
    assertThat(v.rule()).isEqualTo("condition.invalid");
    assertThat(v.message()).startsWith("a.yaml: line 6, column 14: in the condition at line 1, column 31: ");

    String type = CREDIT_YAML.replace("skipIf: \"before.grade == 'C'\"", "skipIf: '1 + \"a\" == 2'");
    v = only(violations(() -> read(type, "b.yaml")), "steps[1].skipIf");
    assertThat(v.rule()).isEqualTo("condition.invalid");
    assertThat(v.message()).startsWith("b.yaml: line 17, column 13: in the condition at line 1, column 3: ")
        .contains("'_+_'", "(int, string)");

    String notBoolean = CREDIT_YAML.replace("condition: resource.creditLimit.amount > 100000",
        "condition: resource.creditLimit.amount + 1");
    assertThat(only(violations(() -> read(notBoolean, "c.yaml")), "trigger.condition").rule())
        .isEqualTo("condition.invalid");
  }

  @Test
  void unknownFieldsAreReportedWherePlaced() {
    String yaml = """
        key: k
        version: 1
        colour: red
        trigger: {commands: [customer.delete], when: x}
        steps:
          - name: s
            approvers: [{role: r}]
            onExpiry: {escalateTo: [{role: r}], then: reject}
            timeLimit: PT1H
        """;
    List<Violation> all = violations(() -> read(yaml, "u.yaml"));
    assertThat(all).extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
        tuple("colour", "definition.field.unknown"),
        tuple("trigger.when", "definition.field.unknown"),
        tuple("steps[0].onExpiry", "step.onExpiry"));
    assertThat(only(all, "colour").message()).startsWith("u.yaml: line 3, column 9: unknown field 'colour'");
    assertThat(only(all, "trigger.when").message()).startsWith("u.yaml: line 4, column 46: ");
  }

  @Test
  void badApproverRulesAreReportedEachAtItsPath() {
    String yaml = """
        key: k
        version: 1
        trigger: {commands: [customer.delete]}
        steps:
          - name: s
            approvers: [{role: }, {manager: 0}, {users: []}, {team: east}, {field: 'a b'}, {role: r, users: [x]}]
          - name: t
            approvers: []
        """;
    List<Violation> all = violations(() -> read(yaml, "a.yaml"));
    assertThat(all).extracting(Violation::path).containsExactlyInAnyOrder(
        "steps[0].approvers[0].role", "steps[0].approvers[1].manager", "steps[0].approvers[2].users",
        "steps[0].approvers[3]", "steps[0].approvers[4].field", "steps[0].approvers[5]", "steps[1].approvers");
    assertThat(only(all, "steps[0].approvers[1].manager").rule()).isEqualTo("approvers.manager.level");
    assertThat(only(all, "steps[0].approvers[3]").rule()).isEqualTo("approvers.kind");
    assertThat(only(all, "steps[0].approvers[4].field").rule()).isEqualTo("approvers.field.path");
    assertThat(only(all, "steps[1].approvers").rule()).isEqualTo("step.approvers.empty");
  }

  @Test
  void badValuesAreReported() {
    String yaml = """
        key: Credit Limit
        version: 0
        name: ""
        trigger: {commands: []}
        steps:
          - name: s
            approvers: [{role: r}]
            mode: 101
            timeLimit: 48 hours
            onExpiry: remind
          - name: t
            approvers: [{role: r}]
            mode: 4294967298
          - name: u
            approvers: [{role: r}]
            onExpiry: ask again
        """;
    List<Violation> all = violations(() -> read(yaml, "v.yaml"));
    assertThat(all).extracting(Violation::path, Violation::rule).contains(
        tuple("version", "definition.field.integer"),
        tuple("trigger.commands", "definition.field.list"),
        tuple("steps[0].mode", "step.mode"),
        tuple("steps[0].timeLimit", "step.timeLimit.format"),
        tuple("steps[1].mode", "step.mode"),
        tuple("steps[2].onExpiry", "step.onExpiry"));
    assertThat(only(all, "steps[0].timeLimit").message()).startsWith("v.yaml: line 9, column 16: ");

    // once the structure is right, the definition's own rules: key format, name, zero time limit
    String rules = """
        key: Credit Limit
        version: 1
        name: ""
        trigger: {commands: [customer.delete]}
        steps:
          - {name: s, approvers: [{role: r}], timeLimit: PT0S, onExpiry: remind}
          - {name: Bad Name, approvers: [{role: r}]}
        """;
    assertThat(violations(() -> read(rules, "r.yaml"))).extracting(Violation::path, Violation::rule)
        .containsExactlyInAnyOrder(
            tuple("key", "definition.key.format"),
            tuple("name", "definition.name.length"),
            tuple("steps[0].timeLimit", "step.timeLimit.positive"),
            tuple("steps[1].name", "step.name.format"));
  }

  @Test
  void aTimeLimitNeedsAnActionAndAnActionATimeLimit() {
    String yaml = """
        - key: k
          version: 1
          trigger: {commands: [customer.delete]}
          steps:
            - {name: s, approvers: [{role: r}], timeLimit: PT1H}
            - {name: t, approvers: [{role: r}], onExpiry: approve}
        """;
    List<Violation> all = violations(() -> read(yaml, "t.yaml"));
    assertThat(all).extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
        tuple("[0].steps[0].onExpiry", "step.onExpiry.pair"),
        tuple("[0].steps[1].onExpiry", "step.onExpiry.pair"));
    assertThat(only(all, "[0].steps[0].onExpiry").message()).startsWith("t.yaml: line 5, column 7: ");
  }

  @Test
  void missingTriggerAndStepsAreReported() {
    List<Violation> all = violations(() -> read("key: k\nversion: 1\n", "m.yaml"));
    assertThat(all).extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
        tuple("trigger", "definition.trigger.missing"),
        tuple("steps", "definition.steps.empty"));
    assertThat(all).allSatisfy(v -> assertThat(v.message()).startsWith("m.yaml: line 1, column 1: "));

    assertThat(violations(() -> read("version: 1\ntrigger: {commands: [x]}\nsteps: [{name: s, approvers: [{role: r}]}]",
        "n.yaml"))).extracting(Violation::path, Violation::rule).containsExactly(tuple("key", "definition.field.missing"));
    assertThat(violations(() -> read("[1, 2]", "o.json"))).extracting(Violation::path, Violation::rule)
        .containsExactly(tuple("[0]", "definition.shape"), tuple("[1]", "definition.shape"));
    assertThat(violations(() -> read(" \n", "empty.yaml"))).extracting(Violation::rule)
        .containsExactly("definitions.empty");
  }

  @Test
  void aTimeLimitThatIsNotPositiveIsReportedAmongTheOtherProblems() {
    String yaml = CREDIT_YAML.replace("timeLimit: PT48H", "timeLimit: -PT5H").replace("mode: 2", "mode: 0")
        .replace("version: 1", "version: 1\ncolour: red");
    List<Violation> all = violations(() -> read(yaml, "t.yaml"));
    assertThat(all).extracting(Violation::path, Violation::rule).contains(
        tuple("steps[0].timeLimit", "step.timeLimit.positive"),
        tuple("steps[1].mode", "step.mode"),
        tuple("colour", "definition.field.unknown"));
    assertThat(only(all, "steps[0].timeLimit").message())
        .isEqualTo("t.yaml: line 12, column 16: a time limit is positive, not PT-5H");
    // and alone, a zero limit
    assertThat(violations(() -> read(CREDIT_YAML.replace("timeLimit: PT48H", "timeLimit: PT0S"), "z.yaml")))
        .extracting(Violation::path, Violation::rule).containsExactly(tuple("steps[0].timeLimit",
            "step.timeLimit.positive"));
  }

  @Test
  void nOfNamedUsersNeedsThatManyUsers() {
    String yaml = CREDIT_YAML.replace("[{role: finance}, {field: owner}]", "[{users: [fay, finn]}]")
        .replace("mode: 2", "mode: 3");
    Violation v = only(violations(() -> read(yaml, "n.yaml")), "steps[1].mode");
    assertThat(v.rule()).isEqualTo("step.mode.unreachable");
    assertThat(v.message()).contains("needs 3 approvals but names only 2 approvers");
    // a role may have any number of members: not known until the step starts
    assertThat(read(CREDIT_YAML.replace("mode: 2", "mode: 30"), "r.yaml")).hasSize(1);
    assertThat(violations(() -> ApprovalDefinition.builder("k", 1).trigger(ApprovalDefinition.Trigger.on("x"))
        .step(ApprovalStep.named("s").approvers(Approvers.users("a"), Approvers.users("a"))
            .mode(DecisionMode.nOf(2)).build()).build()))
        .extracting(Violation::rule).containsExactly("step.mode.unreachable");
  }

  @Test
  void aFileThatCannotBeReadIsAValidationErrorNamingIt(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.yaml");
    Violation v = only(violations(() -> Workflow.builder().definitions(missing)), "definitions");
    assertThat(v.rule()).isEqualTo("definitions.file");
    assertThat(v.message()).isEqualTo(missing + ": no such file");
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, CREDIT_YAML.replace("Credit limit", "Crédit").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(only(violations(() -> Workflow.builder().definitions(latin1)), "definitions").message())
        .isEqualTo(latin1 + ": not UTF-8 text");
  }

  @Test
  void aYamlSyntaxErrorNamesItsLine() {
    String yaml = """
        key: a
        version: 1
        trigger:
          commands: [customer.delete
        steps: []
        """;
    Violation v = violations(() -> read(yaml, "s.yaml")).get(0);
    assertThat(v.rule()).isEqualTo("definitions.syntax");
    assertThat(v.path()).isEqualTo("definitions");
    assertThat(v.message()).startsWith("s.yaml: line 5, column 6: ").contains("line 4, column 13");

    Violation indented = violations(() -> read("key: a\nversion: 1\n  trigger: 3\n", "i.yaml")).get(0);
    assertThat(indented.message()).startsWith("i.yaml: line 3, column 10: mapping values are not allowed");
    Violation json = violations(() -> read("{\"key\": \"a\",\n \"version\": }", "j.json")).get(0);
    assertThat(json.rule()).isEqualTo("definitions.syntax");
    assertThat(json.message()).startsWith("j.json: line 2, column 13: ");
  }

  @Test
  void aSecondYamlDocumentIsReportedNotDropped() {
    String yaml = CREDIT_YAML + "---\n" + DELETE_YAML;
    Violation v = violations(() -> read(yaml, "two.yaml")).get(0);
    assertThat(v.rule()).isEqualTo("definitions.syntax");
    assertThat(v.message()).startsWith("two.yaml: line 21, column 1: ");
    // an empty document, as after a closing separator, holds nothing to drop
    assertThat(read("---\n" + CREDIT_YAML + "---\n", "closed.yaml")).containsExactly(CREDIT);
  }

  @Test
  void duplicateKeysAreReported() {
    // in one file: with its place, among the file's other problems
    String yaml = "definitions:\n" + item(CREDIT_YAML, "  ") + item(CREDIT_YAML.replace("version: 1", "version: 2"), "  ")
        + "  - {key: other, version: 1, trigger: {commands: [x]}, steps: [{name: s, approvers: [{role: r}], mode: 0}]}\n";
    List<Violation> all = violations(() -> read(yaml, "d.yaml"));
    assertThat(all).extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
        tuple("definitions[1].key", "definition.key.duplicate"),
        tuple("definitions[2].steps[0].mode", "step.mode"));
    assertThat(only(all, "definitions[1].key").message()).startsWith("d.yaml: line 21, column 10: ");

    // across the texts given to one builder
    Workflow.Builder b = Workflow.builder().definitions(CREDIT_YAML, "a.yaml");
    Violation v = violations(() -> b.definitions(CREDIT_YAML.replace("version: 1", "version: 2"), "b.yaml")).get(0);
    assertThat(v.rule()).isEqualTo("definition.key.duplicate");
    assertThat(v.message()).contains("credit-limit");
    assertThat(violations(() -> Workflow.builder().definition(CREDIT).definitions(item(CREDIT_YAML, ""), "c.yaml")))
        .extracting(Violation::rule).containsExactly("definition.key.duplicate");
  }

  // ---- checked against the Crm --------------------------------------------------------------------------------------

  static Crm crm(Workflow workflow) {
    MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
    return Crm.builder().store(InMemoryStore.create(clock)).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).directory(Directory.none()).approvals(workflow).clock(clock)
        .publishAfterCommit(false).build();
  }

  @Test
  void unknownCommandNamesAreRejectedWhenTheCrmIsBuilt() {
    Workflow w = Workflow.builder().definitions(CREDIT_YAML.replace("[customer.change-credit-limit]",
        "[customer.change-credit-limit, customer.change-limit]"), "a.yaml").build();
    List<Violation> all = violations(() -> crm(w));
    assertThat(all).extracting(Violation::rule).containsExactly("definition.command.unknown");
    assertThat(all.get(0).path()).isEqualTo("definitions.credit-limit.trigger.commands");
    assertThat(all.get(0).message()).contains("'customer.change-limit'");
  }

  @Test
  void unregisteredResolversAreRejectedWhenTheWorkflowIsBuilt() {
    String escalating = CREDIT_YAML.replace("escalateTo: [{role: director}, {users: [dora]}]",
        "escalateTo: [{resolver: on-call}]");
    List<Violation> all = violations(() -> Workflow.builder().definitions(DELETE_YAML, "d.yaml")
        .definitions(escalating, "c.yaml").build());
    assertThat(all).extracting(Violation::rule)
        .containsExactly("definition.resolver.unknown", "definition.resolver.unknown");
    assertThat(all).extracting(Violation::message).anySatisfy(m -> assertThat(m).contains("'cost-centre'"))
        .anySatisfy(m -> assertThat(m).contains("'on-call'"));

    Crm ok = crm(Workflow.builder().definitions(DELETE_YAML, "d.yaml").definitions(escalating, "c.yaml")
        .resolver("cost-centre", ctx -> Set.of("dora")).resolver("on-call", ctx -> Set.of("dave")).build());
    assertThat(ok).isNotNull();
  }
}
